import { useEffect, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { ColumnDef } from "@tanstack/react-table";
import { KeyRound, Loader2, Plus, Search, UserPlus, Users } from "lucide-react";
import { useCreateUser, useResetPassword, useUpdateUser, useUsers } from "@/api/admin";
import { ApiError, errorMessage } from "@/api/errors";
import type { User } from "@/api/types";
import { useAuth, type Role } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";
import { newUserSchema, passwordRule, type NewUserForm } from "./user-forms";

const ROLES: Role[] = ["ADMIN", "OPERATOR", "VIEWER"];
const ROLE_HINT: Record<Role, string> = {
  ADMIN: "Everything, including users, sources and Jira",
  OPERATOR: "Creates and changes loaders, charts, rules and incidents",
  VIEWER: "Reads everything, changes nothing",
};

function NewUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useCreateUser();
  const { register, handleSubmit, reset, watch, setError, formState: { errors, isSubmitting } } = useForm<NewUserForm>({
    resolver: zodResolver(newUserSchema), defaultValues: { username: "", email: "", role: "VIEWER", password: "", confirm: "" },
  });
  useEffect(() => { if (open) { reset(); create.reset(); } }, [open]); // eslint-disable-line react-hooks/exhaustive-deps
  const onSubmit = handleSubmit(async ({ confirm: _confirm, ...v }) => {
    try {
      const user = await create.mutateAsync({ ...v, email: v.email || undefined });
      toast.success(`User ${user.username} created as ${user.role}`);
      onOpenChange(false);
    } catch (err) {
      if (err instanceof ApiError) for (const [field, message] of Object.entries(err.fieldErrors())) {
        if (["username", "email", "password", "role"].includes(field)) setError(field as keyof NewUserForm, { message });
      }
    }
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New user</DialogTitle>
          <DialogDescription>They sign in with this username and password; share the password safely.</DialogDescription>
        </DialogHeader>
        <form id="user-form" onSubmit={onSubmit} noValidate className="grid grid-cols-2 gap-3">
          <Field label="Username" htmlFor="user-name" error={errors.username?.message}><Input id="user-name" autoComplete="off" aria-invalid={!!errors.username} {...register("username")} /></Field>
          <Field label="Role" htmlFor="user-role" hint={ROLE_HINT[watch("role")]}>
            <NativeSelect id="user-role" {...register("role")}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</NativeSelect>
          </Field>
          <Field label="E-mail" htmlFor="user-email" error={errors.email?.message} className="col-span-2"><Input id="user-email" aria-invalid={!!errors.email} {...register("email")} placeholder="(optional)" /></Field>
          <Field label="Password" htmlFor="user-password" error={errors.password?.message}><Input id="user-password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} {...register("password")} /></Field>
          <Field label="Repeat password" htmlFor="user-confirm" error={errors.confirm?.message}><Input id="user-confirm" type="password" autoComplete="new-password" aria-invalid={!!errors.confirm} {...register("confirm")} /></Field>
        </form>
        {create.error && <Alert variant="destructive">{errorMessage(create.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" form="user-form" disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <UserPlus />} Create user</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => { setPassword(""); setProblem(null); reset.reset(); }, [user]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = async () => {
    const check = passwordRule.safeParse(password);
    if (!check.success) return setProblem(check.error.issues[0].message);
    setProblem(null);
    try {
      await reset.mutateAsync({ id: user!.id, password });
      toast.success(`Password of ${user!.username} reset; their sessions were signed out`);
      onClose();
    } catch (err) {
      setProblem(errorMessage(err));
    }
  };
  return (
    <Dialog open={!!user} onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reset the password of {user?.username}</DialogTitle>
          <DialogDescription>They will have to sign in again with the new password.</DialogDescription>
        </DialogHeader>
        <Field label="New password" htmlFor="reset-password" error={problem ?? undefined}>
          <Input id="reset-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!problem} />
        </Field>
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button onClick={submit} disabled={reset.isPending}>{reset.isPending && <Loader2 className="animate-spin" />} Reset password</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export default function UsersPage() {
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const users = useUsers({ role: role || undefined });
  const update = useUpdateUser();
  const me = useAuth((s) => s.session?.user.id);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const change = (u: User, patch: { role?: Role; disabled?: boolean }, done: string) =>
    update.mutate({ id: u.id, ...patch }, { onSuccess: () => toast.success(done), onError: (e) => toast.error(errorMessage(e)) });

  const columns = useMemo<ColumnDef<User, unknown>[]>(() => [
    { accessorKey: "username", header: "User", cell: ({ row }) => (
      <div><span className="font-medium">{row.original.username}</span>{row.original.id === me && <Badge variant="secondary" className="ml-2">you</Badge>}
        {row.original.email && <p className="text-xs text-muted-foreground">{row.original.email}</p>}</div>
    ) },
    { accessorKey: "role", header: "Role", cell: ({ row }) => (
      <NativeSelect className="h-8 w-32" aria-label={`Role of ${row.original.username}`} value={row.original.role} disabled={row.original.id === me}
        onChange={(e) => change(row.original, { role: e.target.value as Role }, `${row.original.username} is now ${e.target.value}`)}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </NativeSelect>
    ) },
    { id: "enabled", header: "Enabled", accessorFn: (u) => !u.disabled, cell: ({ row }) => (
      <Switch aria-label={`${row.original.disabled ? "Enable" : "Disable"} ${row.original.username}`} checked={!row.original.disabled} disabled={row.original.id === me}
        onCheckedChange={(on) => change(row.original, { disabled: !on }, `${row.original.username} ${on ? "enabled" : "disabled"}`)} />
    ) },
    { accessorKey: "lastLoginAt", header: "Last sign-in", cell: ({ row }) => <span className="text-xs">{formatDateTime(row.original.lastLoginAt)}</span> },
    { accessorKey: "createdAt", header: "Created", cell: ({ row }) => <span className="text-xs text-muted-foreground">{formatDateTime(row.original.createdAt)}</span> },
    { id: "actions", header: "", enableSorting: false, cell: ({ row }) => (
      <Button variant="ghost" size="sm" aria-label={`Reset password of ${row.original.username}`} onClick={() => setResetting(row.original)}><KeyRound /> Reset password</Button>
    ) },
  ], [me]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div>
      <PageHeader title="Users and roles" description="Who can sign in, and what they may do: ADMIN ⊃ OPERATOR ⊃ VIEWER."
        actions={<Button onClick={() => setCreating(true)}><Plus /> New user</Button>} />
      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b p-3">
          <div className="relative w-72">
            <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
            <Input placeholder="Search users…" className="pl-8" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search users" />
          </div>
          <NativeSelect className="w-40" aria-label="Role filter" value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
            <option value="">All roles</option>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </NativeSelect>
          {users.data && <span className="ml-auto text-xs text-muted-foreground">{users.data.total} users</span>}
        </div>
        {users.isLoading ? <LoadingState label="Loading users…" /> : users.isError ? <ErrorState error={users.error} onRetry={() => users.refetch()} title="Could not load the users" /> : (
          <DataTable columns={columns} data={users.data?.items ?? []} globalFilter={search} rowTestId={(u) => `user-row-${u.username}`}
            empty={<EmptyState icon={<Users className="h-6 w-6" />} title={search || role ? "No user matches" : "No users"} />} />
        )}
      </Card>
      <NewUserDialog open={creating} onOpenChange={setCreating} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
    </div>
  );
}

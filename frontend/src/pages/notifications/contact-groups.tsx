import { useEffect, useMemo, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { ColumnDef } from "@tanstack/react-table";
import { Loader2, Pencil, Plus, Trash2, Users, X } from "lucide-react";
import { useContactGroups, useDeleteContactGroup, useSaveContactGroup, type ContactGroup } from "@/api/notifications";
import { ApiError, errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { formToGroup, groupSchema, groupToForm, type GroupForm } from "./forms";

function GroupDialog({ group, open, onOpenChange }: { group: ContactGroup | null; open: boolean; onOpenChange: (o: boolean) => void }) {
  const save = useSaveContactGroup();
  const { control, register, handleSubmit, reset, formState: { errors, isSubmitting } } = useForm<GroupForm>({ resolver: zodResolver(groupSchema), defaultValues: groupToForm(group) });
  const members = useFieldArray({ control, name: "members" });
  useEffect(() => { if (open) { reset(groupToForm(group)); save.reset(); } }, [open, group]); // eslint-disable-line react-hooks/exhaustive-deps
  const onSubmit = handleSubmit(async (f) => {
    try {
      await save.mutateAsync({ id: group?.id, input: formToGroup(f, group) });
      toast.success(`Contact group “${f.name}” saved`);
      onOpenChange(false);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>{group ? `Edit “${group.name}”` : "New contact group"}</DialogTitle>
          <DialogDescription>People reached together by an escalation level. Each member needs at least one address.</DialogDescription>
        </DialogHeader>
        <form id="group-form" onSubmit={onSubmit} noValidate className="space-y-3">
          <div className="grid grid-cols-2 gap-3">
            <Field label="Name" htmlFor="group-name" error={errors.name?.message}><Input id="group-name" aria-invalid={!!errors.name} {...register("name")} placeholder="Payments on-call" /></Field>
            <Field label="Description" htmlFor="group-description"><Input id="group-description" {...register("description")} /></Field>
          </div>
          <div className="space-y-2">
            <p className="text-sm font-medium">Members</p>
            {members.fields.map((m, i) => {
              const e = errors.members?.[i];
              return (
                <div key={m.id} className="grid grid-cols-[1fr_1.3fr_1fr_1.3fr_auto] gap-2" data-testid="member-row">
                  <Input aria-label={`Member ${i + 1} name`} placeholder="Name" aria-invalid={!!e?.name} {...register(`members.${i}.name`)} />
                  <Input aria-label={`Member ${i + 1} e-mail`} placeholder="e-mail" aria-invalid={!!e?.email} {...register(`members.${i}.email`)} />
                  <Input aria-label={`Member ${i + 1} phone`} placeholder="+4915112345678" aria-invalid={!!e?.phone} {...register(`members.${i}.phone`)} />
                  <Input aria-label={`Member ${i + 1} webhook`} placeholder="https://… (webhook)" aria-invalid={!!e?.webhookUrl} {...register(`members.${i}.webhookUrl`)} />
                  <Button type="button" variant="ghost" size="icon" aria-label={`Remove member ${i + 1}`} onClick={() => members.remove(i)}><X /></Button>
                  {e && <p className="col-span-full text-xs font-medium text-destructive" role="alert">{[e.name?.message, e.email?.message, e.phone?.message, e.webhookUrl?.message].filter(Boolean).join(" · ")}</p>}
                </div>
              );
            })}
            {errors.members?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.members.message}</p>}
            <Button type="button" variant="outline" size="sm" onClick={() => members.append({ name: "", email: "", phone: "", webhookUrl: "" })}><Plus /> Add member</Button>
          </div>
        </form>
        {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" form="group-form" disabled={isSubmitting}>{isSubmitting && <Loader2 className="animate-spin" />} Save group</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function ContactGroupsPanel() {
  const groups = useContactGroups();
  const remove = useDeleteContactGroup();
  const canWrite = useCan("OPERATOR");
  const [editing, setEditing] = useState<ContactGroup | null>(null);
  const [open, setOpen] = useState(false);
  const edit = (g: ContactGroup | null) => { setEditing(g); setOpen(true); };
  const columns = useMemo<ColumnDef<ContactGroup, unknown>[]>(() => [
    { accessorKey: "name", header: "Name", cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
    {
      id: "members", header: "Members", accessorFn: (g) => g.members.length,
      cell: ({ row }) => <span className="text-sm">{row.original.members.map((m) => m.name).slice(0, 4).join(", ")}{row.original.members.length > 4 ? ` +${row.original.members.length - 4}` : ""}</span>,
    },
    { id: "reach", header: "Reachable by", enableSorting: false, cell: ({ row }) => {
      const m = row.original.members;
      return <span className="text-xs text-muted-foreground">{[m.some((x) => x.email) && "e-mail", m.some((x) => x.phone) && "SMS / voice", m.some((x) => x.webhookUrl) && "webhook"].filter(Boolean).join(", ")}</span>;
    } },
    { accessorKey: "updatedAt", header: "Updated", cell: ({ row }) => <span className="text-xs text-muted-foreground">{formatDateTime(row.original.updatedAt)}</span> },
    {
      id: "actions", header: "", enableSorting: false,
      cell: ({ row }) => canWrite && (
        <div className="flex justify-end gap-1" onClick={(e) => e.stopPropagation()}>
          <Button variant="ghost" size="icon" aria-label={`Edit ${row.original.name}`} onClick={() => edit(row.original)}><Pencil /></Button>
          <ConfirmAction title={`Delete “${row.original.name}”?`} description="A group that an escalation policy still targets cannot be deleted."
            onConfirm={() => remove.mutate(row.original.id, { onSuccess: () => toast.success("Contact group deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
            <Button variant="ghost" size="icon" aria-label={`Delete ${row.original.name}`}><Trash2 className="text-destructive" /></Button>
          </ConfirmAction>
        </div>
      ),
    },
  ], [canWrite]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Card>
      <div className="flex items-center justify-between border-b p-3">
        <p className="text-sm text-muted-foreground">Who gets notified: people with their e-mail, phone and webhook addresses.</p>
        {canWrite && <Button size="sm" onClick={() => edit(null)}><Plus /> New contact group</Button>}
      </div>
      {groups.isLoading ? <LoadingState label="Loading contact groups…" /> : groups.isError ? <ErrorState error={groups.error} onRetry={() => groups.refetch()} title="Could not load the contact groups" /> : (
        <DataTable columns={columns} data={groups.data ?? []} rowTestId={(g) => `group-row-${g.name}`} onRowClick={canWrite ? edit : undefined}
          empty={<EmptyState icon={<Users className="h-6 w-6" />} title="No contact groups" description="Create one, then point an escalation policy at it." />} />
      )}
      <GroupDialog group={editing} open={open} onOpenChange={setOpen} />
    </Card>
  );
}

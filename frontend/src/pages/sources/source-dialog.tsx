import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { toast } from "@/components/ui/toast";
import { useSaveSource } from "@/api/sources";
import { ApiError, errorMessage } from "@/api/errors";
import type { Source, SourceInput } from "@/api/types";
import { sourceSchema, type SourceForm } from "@/lib/schemas";

const DEFAULT_PORT = { postgresql: 5432, mysql: 3306 } as const;

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  source?: Source | null;
}

/** Create or edit a source database; the stored password is never shown (`***`). */
export function SourceDialog({ open, onOpenChange, source }: Props) {
  const editing = !!source;
  const save = useSaveSource();
  const form = useForm<SourceForm>({
    resolver: zodResolver(sourceSchema(editing)),
    defaultValues: { name: "", type: "postgresql", host: "", port: 5432, dbName: "", userName: "", password: "" },
  });
  const { register, handleSubmit, reset, setError, watch, setValue, formState: { errors, isSubmitting } } = form;

  useEffect(() => {
    if (!open) return;
    save.reset();
    reset(source
      ? { name: source.name, type: source.type, host: source.host, port: source.port, dbName: source.dbName, userName: source.userName, password: "" }
      : { name: "", type: "postgresql", host: "", port: 5432, dbName: "", userName: "", password: "" });
  }, [open, source]); // eslint-disable-line react-hooks/exhaustive-deps

  const type = watch("type");
  const onSubmit = async (values: SourceForm) => {
    const input: SourceInput = { ...values, port: Number(values.port) };
    if (editing && !values.password) delete input.password;
    try {
      const saved = await save.mutateAsync({ id: source?.id, input });
      toast.success(`Source “${saved.name}” ${editing ? "updated" : "created"}`);
      onOpenChange(false);
    } catch (err) {
      if (err instanceof ApiError) {
        for (const [field, message] of Object.entries(err.fieldErrors())) {
          if (field in values) setError(field as keyof SourceForm, { message });
        }
      }
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>{editing ? `Edit source “${source!.name}”` : "New source database"}</DialogTitle>
          <DialogDescription>
            Loaders run their SQL here. Use a user that can only read: compliance is checked when you save.
          </DialogDescription>
        </DialogHeader>
        <form id="source-form" onSubmit={handleSubmit(onSubmit)} className="grid grid-cols-2 gap-4" noValidate>
          <Field label="Name" htmlFor="src-name" error={errors.name?.message} className="col-span-2">
            <Input id="src-name" aria-invalid={!!errors.name} {...register("name")} placeholder="Sales replica" />
          </Field>
          <Field label="Type" htmlFor="src-type" error={errors.type?.message}>
            <NativeSelect id="src-type" {...register("type", {
              onChange: (e) => setValue("port", DEFAULT_PORT[e.target.value as keyof typeof DEFAULT_PORT] ?? 5432),
            })}>
              <option value="postgresql">PostgreSQL</option>
              <option value="mysql">MySQL / MariaDB</option>
            </NativeSelect>
          </Field>
          <Field label="Port" htmlFor="src-port" error={errors.port?.message}>
            <Input id="src-port" type="number" aria-invalid={!!errors.port} {...register("port")} placeholder={String(DEFAULT_PORT[type])} />
          </Field>
          <Field label="Host" htmlFor="src-host" error={errors.host?.message}>
            <Input id="src-host" aria-invalid={!!errors.host} {...register("host")} placeholder="db.internal" />
          </Field>
          <Field label="Database" htmlFor="src-db" error={errors.dbName?.message}>
            <Input id="src-db" aria-invalid={!!errors.dbName} {...register("dbName")} />
          </Field>
          <Field label="User" htmlFor="src-user" error={errors.userName?.message}>
            <Input id="src-user" autoComplete="off" aria-invalid={!!errors.userName} {...register("userName")} />
          </Field>
          <Field label="Password" htmlFor="src-password" error={errors.password?.message} hint={editing ? "Stored encrypted as ***. Leave empty to keep it." : "Stored encrypted; never shown again."}>
            <Input id="src-password" type="password" autoComplete="new-password" placeholder={editing ? "***" : ""} aria-invalid={!!errors.password} {...register("password")} />
          </Field>
        </form>
        {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" form="source-form" disabled={isSubmitting}>
            {isSubmitting && <Loader2 className="animate-spin" />} {editing ? "Save changes" : "Create source"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

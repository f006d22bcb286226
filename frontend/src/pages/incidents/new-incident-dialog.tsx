import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { Loader2 } from "lucide-react";
import { useCreateIncident } from "@/api/incidents";
import { errorMessage } from "@/api/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

export const incidentSchema = z.object({
  title: z.string().trim().min(1, "Give the incident a title").max(300, "At most 300 characters"),
  description: z.string().max(20_000, "At most 20,000 characters"),
  severity: z.enum(["INFO", "WARNING", "HIGH", "CRITICAL"]),
  loaderCode: z.string().trim().regex(/^([A-Z][A-Z0-9_]*)?$/, "Loader codes are upper snake case"),
  assignee: z.string().trim().max(100),
});
type IncidentForm = z.infer<typeof incidentSchema>;

export function NewIncidentDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useCreateIncident();
  const navigate = useNavigate();
  const { register, handleSubmit, reset, formState: { errors, isSubmitting } } = useForm<IncidentForm>({
    resolver: zodResolver(incidentSchema), defaultValues: { title: "", description: "", severity: "HIGH", loaderCode: "", assignee: "" },
  });
  useEffect(() => { if (open) { reset(); create.reset(); } }, [open]); // eslint-disable-line react-hooks/exhaustive-deps
  const onSubmit = handleSubmit(async (v) => {
    try {
      const created = await create.mutateAsync({ ...v, loaderCode: v.loaderCode || undefined, assignee: v.assignee || undefined });
      toast.success(`Incident #${created.number} opened`);
      onOpenChange(false);
      navigate(`/incidents/${created.id}`);
    } catch { /* shown below */ }
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-lg">
        <DialogHeader>
          <DialogTitle>Open an incident</DialogTitle>
          <DialogDescription>For something no rule caught. Alerts of its loader join it while it is open.</DialogDescription>
        </DialogHeader>
        <form id="incident-form" onSubmit={onSubmit} noValidate className="grid grid-cols-2 gap-3">
          <Field label="Title" htmlFor="inc-title" error={errors.title?.message} className="col-span-2">
            <Input id="inc-title" aria-invalid={!!errors.title} {...register("title")} />
          </Field>
          <Field label="Severity" htmlFor="inc-severity">
            <NativeSelect id="inc-severity" {...register("severity")}>{["CRITICAL", "HIGH", "WARNING", "INFO"].map((s) => <option key={s}>{s}</option>)}</NativeSelect>
          </Field>
          <Field label="Loader" htmlFor="inc-loader" error={errors.loaderCode?.message}>
            <Input id="inc-loader" className="font-mono text-[13px]" {...register("loaderCode")} placeholder="(optional)" />
          </Field>
          <Field label="Assignee" htmlFor="inc-assignee" className="col-span-2">
            <Input id="inc-assignee" {...register("assignee")} placeholder="username (optional)" />
          </Field>
          <Field label="Description" htmlFor="inc-description" error={errors.description?.message} className="col-span-2">
            <Textarea id="inc-description" rows={4} {...register("description")} />
          </Field>
        </form>
        {create.error && <Alert variant="destructive">{errorMessage(create.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" form="incident-form" disabled={isSubmitting}>{isSubmitting && <Loader2 className="animate-spin" />} Open incident</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

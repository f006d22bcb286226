import { useEffect, useMemo, useState } from "react";
import { Controller, useFieldArray, useForm, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowDown, Loader2, Pencil, Plus, Route, Trash2, X } from "lucide-react";
import { CHANNELS, useContactGroups, useDeletePolicy, usePolicies, useSavePolicy, type Policy } from "@/api/notifications";
import type { Severity } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { ConfirmAction } from "@/components/confirm-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MultiSelect } from "@/components/ui/multi-select";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";
import { formatWait, formToPolicy, policySchema, policyToForm, type PolicyForm, type PolicyFormInput } from "./forms";

const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "WARNING", "INFO"];
const CHANNEL_LABEL = { email: "E-mail", sms: "SMS", ivr: "Voice call", webhook: "Webhook" } as const;

/** The escalation policy editor: ordered levels, each with channels, targets and a wait. */
function PolicyDialog({ policy, open, onOpenChange }: { policy: Policy | null; open: boolean; onOpenChange: (o: boolean) => void }) {
  const save = useSavePolicy();
  const groups = useContactGroups();
  const form = useForm<PolicyFormInput, unknown, PolicyForm>({
    resolver: zodResolver(policySchema) as unknown as Resolver<PolicyFormInput, unknown, PolicyForm>, defaultValues: policyToForm(policy),
  });
  const { control, register, handleSubmit, reset, formState: { errors, isSubmitting } } = form;
  const levels = useFieldArray({ control, name: "levels" });
  useEffect(() => { if (open) { reset(policyToForm(policy)); save.reset(); } }, [open, policy]); // eslint-disable-line react-hooks/exhaustive-deps
  const groupOptions = (groups.data ?? []).map((g) => ({ value: g.id, label: g.name }));
  const onSubmit = handleSubmit(async (f) => {
    try {
      await save.mutateAsync({ id: policy?.id, input: formToPolicy(f, policy) });
      toast.success(`Escalation policy “${f.name}” saved`);
      onOpenChange(false);
    } catch { /* shown below */ }
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>{policy ? `Edit “${policy.name}”` : "New escalation policy"}</DialogTitle>
          <DialogDescription>Level 1 is notified first; each later level only if nobody acknowledged during the wait.</DialogDescription>
        </DialogHeader>
        <form id="policy-form" onSubmit={onSubmit} noValidate className="space-y-4">
          <div className="grid grid-cols-2 gap-3">
            <Field label="Name" htmlFor="policy-name" error={errors.name?.message}><Input id="policy-name" aria-invalid={!!errors.name} {...register("name")} placeholder="Payments escalation" /></Field>
            <Field label="Description" htmlFor="policy-description"><Input id="policy-description" {...register("description")} /></Field>
            <Field label="Applies to severities" htmlFor="policy-severities" hint="None: every severity">
              <Controller control={control} name="severities" render={({ field }) => (
                <div id="policy-severities" className="flex flex-wrap gap-3 rounded-md border p-2">
                  {SEVERITIES.map((s) => (
                    <label key={s} className="flex items-center gap-1.5 text-xs">
                      <Checkbox checked={field.value?.includes(s)} aria-label={`Severity ${s}`}
                        onCheckedChange={() => field.onChange(field.value?.includes(s) ? field.value.filter((x) => x !== s) : [...(field.value ?? []), s])} />{s}
                    </label>
                  ))}
                </div>
              )} />
            </Field>
            <Field label="Applies to loaders" htmlFor="policy-loaders" error={errors.loaderCodes?.message} hint="Comma separated; empty: every loader">
              <Input id="policy-loaders" className="font-mono text-[13px]" {...register("loaderCodes")} placeholder="DEMO_PAYMENTS" />
            </Field>
            <Field label="Repeat the ladder" htmlFor="policy-repeat" error={errors.repeat?.message} hint="Extra passes over all levels (0–5)">
              <Input id="policy-repeat" type="number" min={0} max={5} {...register("repeat")} />
            </Field>
            <div className="flex items-center gap-2 pt-6">
              <Controller control={control} name="isDefault" render={({ field }) => <Switch id="policy-default" checked={field.value} onCheckedChange={field.onChange} />} />
              <Label htmlFor="policy-default" className="font-normal">Default policy (used when no other matches)</Label>
            </div>
          </div>
          <div className="space-y-2">
            <p className="text-sm font-medium">Levels</p>
            {levels.fields.map((l, i) => {
              const e = errors.levels?.[i];
              return (
                <div key={l.id} data-testid="level-row">
                  {i > 0 && <div className="flex justify-center py-1 text-muted-foreground"><ArrowDown className="h-4 w-4" /></div>}
                  <div className="grid grid-cols-[70px_1fr_1fr_130px_auto] items-start gap-2 rounded-md border p-3">
                    <span className="pt-2 text-sm font-semibold">Level {i + 1}</span>
                    <Controller control={control} name={`levels.${i}.channels`} render={({ field }) => (
                      <div className="grid grid-cols-2 gap-1.5" role="group" aria-label={`Level ${i + 1} channels`}>
                        {CHANNELS.map((c) => (
                          <label key={c} className="flex items-center gap-1.5 text-xs">
                            <Checkbox checked={field.value.includes(c)} aria-label={`Level ${i + 1} ${CHANNEL_LABEL[c]}`}
                              onCheckedChange={() => field.onChange(field.value.includes(c) ? field.value.filter((x) => x !== c) : [...field.value, c])} />
                            {CHANNEL_LABEL[c]}
                          </label>
                        ))}
                      </div>
                    )} />
                    <Controller control={control} name={`levels.${i}.groups`} render={({ field }) => (
                      <MultiSelect id={`level-${i}-groups`} options={groupOptions} value={field.value} onChange={field.onChange} placeholder="Contact groups…" emptyText="No contact groups yet" invalid={!!e?.groups} />
                    )} />
                    <div>
                      <Input aria-label={`Level ${i + 1} wait (seconds)`} type="number" min={0} {...register(`levels.${i}.waitSeconds`)} aria-invalid={!!e?.waitSeconds} />
                      <p className="mt-1 text-[11px] text-muted-foreground">wait before next, seconds</p>
                    </div>
                    <Button type="button" variant="ghost" size="icon" aria-label={`Remove level ${i + 1}`} onClick={() => levels.remove(i)} disabled={levels.fields.length === 1}><X /></Button>
                    {e && <p className="col-span-full text-xs font-medium text-destructive" role="alert">{[e.channels?.message, e.groups?.message, e.waitSeconds?.message, e.root?.message].filter(Boolean).join(" · ")}</p>}
                  </div>
                </div>
              );
            })}
            {errors.levels?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.levels.message}</p>}
            <Button type="button" variant="outline" size="sm" disabled={levels.fields.length >= 10}
              onClick={() => levels.append({ channels: ["sms"], groups: [], users: [], waitSeconds: 600 })}><Plus /> Add level</Button>
          </div>
        </form>
        {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" form="policy-form" disabled={isSubmitting}>{isSubmitting && <Loader2 className="animate-spin" />} Save policy</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function PoliciesPanel() {
  const policies = usePolicies();
  const groups = useContactGroups();
  const remove = useDeletePolicy();
  const canWrite = useCan("OPERATOR");
  const [editing, setEditing] = useState<Policy | null>(null);
  const [open, setOpen] = useState(false);
  const groupName = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const edit = (p: Policy | null) => { setEditing(p); setOpen(true); };
  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between">
        <p className="text-sm text-muted-foreground">Who is told, how, and after how long if nobody acknowledges.</p>
        {canWrite && <Button size="sm" onClick={() => edit(null)}><Plus /> New escalation policy</Button>}
      </div>
      {policies.isLoading ? <LoadingState label="Loading escalation policies…" /> : policies.isError ? <ErrorState error={policies.error} onRetry={() => policies.refetch()} title="Could not load the escalation policies" />
        : !policies.data?.length ? <Card><EmptyState icon={<Route className="h-6 w-6" />} title="No escalation policies" description="Without one, alerts are recorded but nobody is paged." /></Card>
        : (
          <div className="grid gap-3 xl:grid-cols-2">
            {policies.data.map((p) => (
              <Card key={p.id} data-testid={`policy-card-${p.name}`}>
                <CardHeader className="flex-row items-start justify-between space-y-0">
                  <div className="space-y-1">
                    <CardTitle className="flex items-center gap-2">{p.name}{p.isDefault && <Badge>Default</Badge>}</CardTitle>
                    <p className="text-xs text-muted-foreground">
                      {p.match?.severities?.length ? p.match.severities.join(", ") : "Every severity"} · {p.match?.loaderCodes?.length ? p.match.loaderCodes.join(", ") : "every loader"}
                      {p.repeat ? ` · repeats ${p.repeat}×` : ""}
                    </p>
                  </div>
                  {canWrite && (
                    <div className="flex gap-1">
                      <Button variant="ghost" size="icon" aria-label={`Edit ${p.name}`} onClick={() => edit(p)}><Pencil /></Button>
                      <ConfirmAction title={`Delete “${p.name}”?`} description="Running escalations finish with their current ladder."
                        onConfirm={() => remove.mutate(p.id, { onSuccess: () => toast.success("Policy deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
                        <Button variant="ghost" size="icon" aria-label={`Delete ${p.name}`}><Trash2 className="text-destructive" /></Button>
                      </ConfirmAction>
                    </div>
                  )}
                </CardHeader>
                <CardContent>
                  <ol className="space-y-1.5">
                    {p.levels.map((l, i) => (
                      <li key={i} className="flex flex-wrap items-center gap-2 rounded-md bg-muted/40 px-2.5 py-1.5 text-sm">
                        <span className="font-semibold">{i + 1}</span>
                        {l.channels.map((c) => <Badge key={c} variant="secondary">{CHANNEL_LABEL[c]}</Badge>)}
                        <span className="text-muted-foreground">→</span>
                        <span>{l.targets.map((t) => (t.contactGroupId ? groupName.get(t.contactGroupId) ?? "group" : "user")).join(", ")}</span>
                        <span className="ml-auto text-xs text-muted-foreground">{i === p.levels.length - 1 ? (p.repeat ? `wait ${formatWait(l.waitSeconds)}, then repeat` : "last level") : l.waitSeconds ? `then wait ${formatWait(l.waitSeconds)}` : "next level at once"}</span>
                      </li>
                    ))}
                  </ol>
                </CardContent>
              </Card>
            ))}
          </div>
        )}
      <PolicyDialog policy={editing} open={open} onOpenChange={setOpen} />
    </div>
  );
}

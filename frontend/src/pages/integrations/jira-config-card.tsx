import { useEffect, useState } from "react";
import { Controller, useFieldArray, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { CheckCircle2, Loader2, Plug, Plus, Save, X, XCircle } from "lucide-react";
import { useJiraConfig, useSaveJiraConfig, useTestJira } from "@/api/jira";
import { ApiError, errorMessage } from "@/api/errors";
import { formatDateTime } from "@/lib/utils";
import { ErrorState, LoadingState } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { configToForm, formToConfig, jiraSchema, SEVERITIES, STATUSES, type JiraForm } from "./jira-form";

const PRIORITY_HINT: Record<string, string> = { CRITICAL: "Highest", HIGH: "High", WARNING: "Medium", INFO: "Low" };
const STATUS_HINT: Record<string, string> = { NEW: "To Do", INVESTIGATING: "In Progress", RESOLVED: "Resolved", CLOSED: "Done" };

function Pairs({ form, name, fromLabel, toLabel, toOptions }: {
  form: ReturnType<typeof useForm<JiraForm>>; name: "fromJira" | "userMap"; fromLabel: string; toLabel: string; toOptions?: readonly string[];
}) {
  const rows = useFieldArray({ control: form.control, name });
  const errors = form.formState.errors[name];
  return (
    <div className="space-y-2">
      {rows.fields.map((r, i) => (
        <div key={r.id} className="grid grid-cols-[1fr_1fr_auto] gap-2">
          <Input aria-label={`${fromLabel} ${i + 1}`} placeholder={fromLabel} {...form.register(`${name}.${i}.from`)} />
          {toOptions ? (
            <NativeSelect aria-label={`${toLabel} ${i + 1}`} {...form.register(`${name}.${i}.to`)} aria-invalid={!!errors?.[i]?.to}>
              <option value="">{toLabel}…</option>{toOptions.map((o) => <option key={o} value={o}>{o}</option>)}
            </NativeSelect>
          ) : <Input aria-label={`${toLabel} ${i + 1}`} placeholder={toLabel} {...form.register(`${name}.${i}.to`)} />}
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove ${fromLabel} ${i + 1}`} onClick={() => rows.remove(i)}><X /></Button>
          {errors?.[i]?.to?.message && <p className="col-span-full text-xs font-medium text-destructive" role="alert">{errors[i]?.to?.message}</p>}
        </div>
      ))}
      <Button type="button" variant="outline" size="sm" onClick={() => rows.append({ from: "", to: "" })}><Plus /> Add</Button>
    </div>
  );
}

/** ADMIN: where Jira is, how we sign in (secrets masked), the project and the mappings of fields. */
export function JiraConfigCard() {
  const config = useJiraConfig();
  const save = useSaveJiraConfig();
  const test = useTestJira();
  const form = useForm<JiraForm>({ resolver: zodResolver(jiraSchema), defaultValues: configToForm(null) });
  const { register, handleSubmit, reset, watch, setError, control, formState: { errors, isSubmitting } } = form;
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (config.isSuccess && !loaded) { reset(configToForm(config.data)); setLoaded(true); }
  }, [config.isSuccess, config.data, loaded, reset]);
  const cloud = watch("deploymentType") === "CLOUD";
  const onSave = handleSubmit(async (f) => {
    try {
      const saved = await save.mutateAsync(formToConfig(f));
      reset(configToForm(saved));
      toast.success("Jira configuration saved");
    } catch (err) {
      if (err instanceof ApiError) for (const [field, message] of Object.entries(err.fieldErrors())) {
        if (field in f) setError(field as keyof JiraForm, { message });
      }
    }
  });
  if (config.isLoading) return <Card><LoadingState label="Loading the Jira configuration…" /></Card>;
  if (config.isError) return <Card><ErrorState error={config.error} onRetry={() => config.refetch()} title="Could not load the Jira configuration" /></Card>;
  const secretHint = (has: boolean) => (has ? "Stored encrypted (shown as ***). Leave empty to keep it." : "Stored encrypted; never shown again.");
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3 space-y-0">
        <div className="space-y-1">
          <CardTitle>Connection</CardTitle>
          <CardDescription>{config.data ? `Last changed ${formatDateTime(config.data.updatedAt)}${config.data.updatedBy ? ` by ${config.data.updatedBy}` : ""}.` : "Not configured yet: incidents are not sent to Jira."}</CardDescription>
        </div>
        <div className="flex gap-2">
          <Button type="button" variant="outline" disabled={!config.data || test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? <Loader2 className="animate-spin" /> : <Plug />} Test connection
          </Button>
          <Button type="button" onClick={onSave} disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <Save />} Save</Button>
        </div>
      </CardHeader>
      <CardContent className="space-y-5">
        {test.data && (
          <Alert variant={test.data.ok ? "success" : "destructive"} data-testid="jira-test-result">
            {test.data.ok ? <CheckCircle2 /> : <XCircle />}
            <div className="space-y-1">
              <p className="font-medium">{test.data.ok ? `Connected${test.data.server ? ` to ${test.data.server}` : ""}${test.data.account ? ` as ${test.data.account}` : ""}` : "The connection test failed"}</p>
              <ul className="space-y-0.5 text-xs">
                {test.data.checks.map((c) => <li key={c.name} className={c.ok ? "text-foreground" : "text-destructive"}>{c.ok ? "✓" : "✗"} {c.name}: {c.message}</li>)}
              </ul>
            </div>
          </Alert>
        )}
        {test.error && <Alert variant="destructive">{errorMessage(test.error)}</Alert>}
        {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
        <form onSubmit={onSave} noValidate className="grid gap-3 md:grid-cols-2">
          <Field label="Jira address" htmlFor="jira-url" error={errors.baseUrl?.message}><Input id="jira-url" aria-invalid={!!errors.baseUrl} {...register("baseUrl")} placeholder="https://acme.atlassian.net" /></Field>
          <Field label="Deployment" htmlFor="jira-type">
            <NativeSelect id="jira-type" {...register("deploymentType")}><option value="CLOUD">Jira Cloud</option><option value="DATA_CENTER">Jira Data Center / Server</option></NativeSelect>
          </Field>
          {cloud ? (
            <>
              <Field label="Account e-mail" htmlFor="jira-email" error={errors.email?.message}><Input id="jira-email" aria-invalid={!!errors.email} {...register("email")} /></Field>
              <Field label="API token" htmlFor="jira-token" error={errors.apiToken?.message} hint={secretHint(watch("hasStoredToken"))}>
                <Input id="jira-token" type="password" autoComplete="new-password" placeholder={watch("hasStoredToken") ? "***" : ""} aria-invalid={!!errors.apiToken} {...register("apiToken")} />
              </Field>
            </>
          ) : (
            <Field label="Personal access token" htmlFor="jira-pat" error={errors.personalAccessToken?.message} hint={secretHint(watch("hasStoredPat"))} className="md:col-span-2">
              <Input id="jira-pat" type="password" autoComplete="new-password" placeholder={watch("hasStoredPat") ? "***" : ""} aria-invalid={!!errors.personalAccessToken} {...register("personalAccessToken")} />
            </Field>
          )}
          <Field label="Project key" htmlFor="jira-project" error={errors.projectKey?.message}><Input id="jira-project" className="font-mono text-[13px]" aria-invalid={!!errors.projectKey} {...register("projectKey")} placeholder="OPS" /></Field>
          <Field label="Issue type" htmlFor="jira-issuetype" error={errors.issueType?.message}><Input id="jira-issuetype" aria-invalid={!!errors.issueType} {...register("issueType")} /></Field>
          <Field label="Webhook secret" htmlFor="jira-secret" error={errors.webhookSecret?.message} hint={`${secretHint(watch("hasStoredSecret"))} Jira signs webhooks to /api/v1/integrations/jira/webhook with it.`} className="md:col-span-2">
            <Input id="jira-secret" type="password" autoComplete="new-password" placeholder={watch("hasStoredSecret") ? "***" : ""} aria-invalid={!!errors.webhookSecret} {...register("webhookSecret")} />
          </Field>
          <fieldset className="space-y-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Severity → Jira priority</legend>
            {SEVERITIES.map((s) => (
              <div key={s} className="grid grid-cols-[110px_1fr] items-center gap-2">
                <span className="text-xs font-medium">{s}</span>
                <Controller control={control} name={`priorityMap.${s}`} render={({ field }) => <Input aria-label={`Priority for ${s}`} placeholder={PRIORITY_HINT[s]} {...field} />} />
              </div>
            ))}
          </fieldset>
          <fieldset className="space-y-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Our status → Jira status</legend>
            {STATUSES.map((s) => (
              <div key={s} className="grid grid-cols-[110px_1fr] items-center gap-2">
                <span className="text-xs font-medium">{s}</span>
                <Controller control={control} name={`toJira.${s}`} render={({ field }) => <Input aria-label={`Jira status for ${s}`} placeholder={STATUS_HINT[s]} {...field} />} />
              </div>
            ))}
          </fieldset>
          <fieldset className="space-y-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Jira status → our status</legend>
            <Pairs form={form} name="fromJira" fromLabel="Jira status" toLabel="Our status" toOptions={STATUSES} />
          </fieldset>
          <fieldset className="space-y-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">Users (our username → Jira account)</legend>
            <Pairs form={form} name="userMap" fromLabel="Username" toLabel={cloud ? "Jira accountId" : "Jira username"} />
          </fieldset>
        </form>
      </CardContent>
    </Card>
  );
}

import { lazy, Suspense, useEffect, useMemo, useRef } from "react";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Eye, Loader2, Save } from "lucide-react";
import { useLoader, usePreview, useSaveLoader, useSegments } from "@/api/loaders";
import { useSources } from "@/api/sources";
import { ApiError, errorMessage } from "@/api/errors";
import type { LoaderInput } from "@/api/types";
import { loaderSchema, type LoaderForm } from "@/lib/schemas";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MultiSelect } from "@/components/ui/multi-select";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";
import { PreviewPanel } from "./preview-panel";
import { NewSegment } from "./new-segment";

const SqlEditor = lazy(() => import("@/components/sql-editor"));

const EXAMPLE_SQL = `SELECT date_trunc('minute', created_at) AS load_time_stamp,
       region AS segment_code,
       count(*) AS rec_count,
       avg(amount) AS avg_val, sum(amount) AS sum_val,
       min(amount) AS min_val, max(amount) AS max_val
FROM sales
WHERE created_at >= now() - interval '1 hour'
GROUP BY 1, 2`;

const EMPTY: LoaderForm = {
  loaderCode: "", sourceDatabaseId: "", loaderSql: "", intervalSeconds: 300, maxParallelism: 1, timeoutSeconds: 30, segments: [], enabled: true,
};

export default function LoaderEditorPage() {
  const { code } = useParams();
  const editing = !!code;
  const navigate = useNavigate();
  const loader = useLoader(code);
  const sources = useSources();
  const segments = useSegments();
  const save = useSaveLoader();
  const preview = usePreview();
  const setCrumb = useCrumbLabels((s) => s.set);
  useEffect(() => { if (code) setCrumb(`/loaders/${code}`, code); }, [code, setCrumb]);

  const form = useForm<LoaderForm>({ resolver: zodResolver(loaderSchema), defaultValues: EMPTY, mode: "onTouched" });
  const { register, control, handleSubmit, reset, setError, getValues, trigger, watch, formState: { errors, isSubmitting } } = form;

  // Fill the form once per stored version: a background refetch must not undo typing.
  const loaded = useRef<string | null>(null);
  useEffect(() => {
    const l = loader.data;
    const key = l ? `${l.loaderCode}:${l.updatedAt}` : null;
    if (!l || loaded.current === key) return;
    loaded.current = key;
    reset({
      loaderCode: l.loaderCode, sourceDatabaseId: l.sourceDatabaseId, loaderSql: l.loaderSql ?? "", intervalSeconds: l.intervalSeconds,
      maxParallelism: l.maxParallelism, timeoutSeconds: l.timeoutSeconds, segments: l.segments, enabled: l.enabled,
    });
  }, [loader.data, reset]);

  const chosen = watch("segments");
  const segmentOptions = useMemo(() => {
    const known = (segments.data ?? []).map((s) => ({ value: s.segmentCode, label: s.description ? `${s.segmentCode} — ${s.description}` : s.segmentCode }));
    const extra = chosen.filter((c) => !known.some((k) => k.value === c)).map((c) => ({ value: c, label: c }));
    return [...known, ...extra];
  }, [segments.data, chosen]);
  const sourceId = watch("sourceDatabaseId");
  const dialect = sources.data?.find((s) => s.id === sourceId)?.type ?? "postgresql";

  const runPreview = async () => {
    if (!(await trigger(["sourceDatabaseId", "loaderSql"]))) return;
    const v = getValues();
    preview.mutate({ loaderCode: v.loaderCode || undefined, sourceDatabaseId: v.sourceDatabaseId, loaderSql: v.loaderSql, segments: v.segments, timeoutSeconds: Number(v.timeoutSeconds) });
  };

  const onSubmit = async (values: LoaderForm) => {
    const input: LoaderInput = {
      sourceDatabaseId: values.sourceDatabaseId, loaderSql: values.loaderSql, intervalSeconds: Number(values.intervalSeconds),
      maxParallelism: Number(values.maxParallelism), timeoutSeconds: Number(values.timeoutSeconds), segments: values.segments, enabled: values.enabled,
    };
    if (!editing) input.loaderCode = values.loaderCode;
    try {
      const saved = await save.mutateAsync({ code, input });
      toast.success(`Loader ${saved.loaderCode} ${editing ? "saved" : "created"}`);
      navigate(`/loaders/${saved.loaderCode}`);
    } catch (err) {
      if (err instanceof ApiError) {
        for (const [field, message] of Object.entries(err.fieldErrors())) {
          if (field in values) setError(field as keyof LoaderForm, { message });
        }
      }
    }
  };

  if (editing && loader.isLoading) return <LoadingState label="Loading loader…" />;
  if (editing && loader.isError) return <ErrorState error={loader.error} onRetry={() => loader.refetch()} />;

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate className="space-y-5">
      <PageHeader
        title={editing ? `Edit ${code}` : "New loader"}
        description="A single read-only SELECT that returns load_time_stamp and, optionally, segment_code, rec_count, avg_val, sum_val, min_val, max_val."
        actions={
          <>
            <Button variant="outline" asChild><Link to={editing ? `/loaders/${code}` : "/loaders"}>Cancel</Link></Button>
            <Button type="submit" disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <Save />} {editing ? "Save changes" : "Create loader"}</Button>
          </>
        }
      />
      {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
      <div className="grid gap-5 xl:grid-cols-3">
        <Card className="xl:col-span-2">
          <CardHeader>
            <CardTitle>Query</CardTitle>
            <CardDescription>Runs in a read-only transaction with a statement timeout; preview shows the first rows and writes nothing.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            <Field label="SQL" htmlFor="loader-sql" error={errors.loaderSql?.message}>
              <Controller control={control} name="loaderSql" render={({ field }) => (
                <Suspense fallback={<LoadingState rows={3} />}>
                  <SqlEditor id="loader-sql" value={field.value} onChange={field.onChange} dialect={dialect} height="260px" invalid={!!errors.loaderSql} />
                </Suspense>
              )} />
            </Field>
            <div className="flex items-center gap-2">
              <Button type="button" variant="outline" onClick={runPreview} disabled={preview.isPending}>
                {preview.isPending ? <Loader2 className="animate-spin" /> : <Eye />} Preview
              </Button>
              {!getValues("loaderSql") && (
                <Button type="button" variant="link" onClick={() => form.setValue("loaderSql", EXAMPLE_SQL, { shouldValidate: true })}>Insert an example</Button>
              )}
            </div>
            {preview.error && <Alert variant="destructive">{errorMessage(preview.error)}</Alert>}
            {preview.data && <PreviewPanel preview={preview.data} />}
          </CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle>Settings</CardTitle></CardHeader>
          <CardContent className="space-y-4">
            <Field label="Loader code" htmlFor="loader-code" error={errors.loaderCode?.message} hint={editing ? "The code cannot change." : "Unique, UPPER_SNAKE_CASE, e.g. DAILY_SALES"}>
              <Input id="loader-code" disabled={editing} aria-invalid={!!errors.loaderCode} {...register("loaderCode")} placeholder="DAILY_SALES" />
            </Field>
            <Field label="Source database" htmlFor="loader-source" error={errors.sourceDatabaseId?.message ?? (sources.isError ? errorMessage(sources.error) : undefined)}>
              <NativeSelect id="loader-source" aria-invalid={!!errors.sourceDatabaseId} {...register("sourceDatabaseId")}>
                <option value="">{sources.isLoading ? "Loading…" : "Choose a source…"}</option>
                {(sources.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>{s.name} ({s.type === "mysql" ? "MySQL" : "PostgreSQL"}{s.readOnlyCompliant === false ? ", not read-only" : ""})</option>
                ))}
              </NativeSelect>
            </Field>
            <div className="grid grid-cols-3 gap-3">
              <Field label="Interval (s)" htmlFor="loader-interval" error={errors.intervalSeconds?.message}>
                <Input id="loader-interval" type="number" aria-invalid={!!errors.intervalSeconds} {...register("intervalSeconds")} />
              </Field>
              <Field label="Parallelism" htmlFor="loader-parallel" error={errors.maxParallelism?.message}>
                <Input id="loader-parallel" type="number" aria-invalid={!!errors.maxParallelism} {...register("maxParallelism")} />
              </Field>
              <Field label="Timeout (s)" htmlFor="loader-timeout" error={errors.timeoutSeconds?.message}>
                <Input id="loader-timeout" type="number" aria-invalid={!!errors.timeoutSeconds} {...register("timeoutSeconds")} />
              </Field>
            </div>
            <Field label="Segments" htmlFor="loader-segments" error={errors.segments?.message} hint="Keep only these segments; none selected keeps all.">
              <Controller control={control} name="segments" render={({ field }) => (
                <MultiSelect id="loader-segments" options={segmentOptions} value={field.value} onChange={field.onChange} placeholder="All segments" emptyText="No segments defined yet" />
              )} />
            </Field>
            <NewSegment known={(segments.data ?? []).map((s) => s.segmentCode)} onCreated={(code) => form.setValue("segments", [...new Set([...getValues("segments"), code])], { shouldDirty: true })} />
            <div className="flex items-center justify-between rounded-md border p-3">
              <div>
                <Label htmlFor="loader-enabled">Enabled</Label>
                <p className="text-xs text-muted-foreground">Paused loaders keep their settings and signals.</p>
              </div>
              <Controller control={control} name="enabled" render={({ field }) => (
                <Switch id="loader-enabled" checked={field.value} onCheckedChange={field.onChange} />
              )} />
            </div>
          </CardContent>
        </Card>
      </div>
    </form>
  );
}

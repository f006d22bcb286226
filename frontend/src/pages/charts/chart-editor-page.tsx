import { useEffect, useMemo, useRef, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Link, useNavigate, useParams } from "react-router-dom";
import { BellPlus, BookmarkPlus, Info, Loader2, Save } from "lucide-react";
import { useChart, useResolvedChart, useSaveChart } from "@/api/charts";
import { useLoaders } from "@/api/loaders";
import { useSignals } from "@/api/signals";
import { ApiError, errorMessage } from "@/api/errors";
import type { Metric } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { METRICS } from "@/lib/chart-options";
import { DEFAULT_CHART_FORM, definitionToForm, formToDefinition, specFromDefinition, toTemplate } from "@/lib/chart-definition";
import { chartSchema, type ChartForm } from "@/lib/schemas";
import { BUCKETS, resolveRange, type TimeRange } from "@/lib/time-range";
import { SignalChart } from "@/components/signal-chart";
import { TimeRangePicker } from "@/components/time-range-picker";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { toast } from "@/components/ui/toast";
import { ChartVersions } from "./chart-versions";

export default function ChartEditorPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const chart = useChart(id);
  const loaders = useLoaders();
  const save = useSaveChart();
  const canWrite = useCan("OPERATOR");
  const [range, setRange] = useState<TimeRange>({ preset: "24h" });
  const setCrumb = useCrumbLabels((s) => s.set);
  useEffect(() => { if (id && chart.data) setCrumb(`/charts/${id}`, chart.data.definition.chartName); }, [id, chart.data, setCrumb]);

  const form = useForm<ChartForm>({ resolver: zodResolver(chartSchema), defaultValues: DEFAULT_CHART_FORM, mode: "onTouched" });
  const { register, control, handleSubmit, reset, watch, setError, formState: { errors, isSubmitting } } = form;
  // A chart that extends another stores only its overrides: edit the resolved definition.
  const inherits = !!chart.data?.definition.extends;
  const resolved = useResolvedChart(id, chart.data?.version, inherits);
  // Reset the form only when another chart or version arrives, never on a background refetch.
  const loaded = useRef<string | null>(null);
  useEffect(() => {
    const key = chart.data ? `${chart.data.id}:${chart.data.version}` : null;
    if (!chart.data || loaded.current === key || (inherits && !resolved.data)) return;
    loaded.current = key;
    const own = chart.data.definition;
    reset(definitionToForm(inherits ? { ...resolved.data!, chartName: own.chartName, isTemplate: own.isTemplate } : own));
  }, [chart.data, resolved.data, inherits, reset]);
  useEffect(() => {
    if (!id && !form.getValues("loaderCode") && loaders.data?.length) form.setValue("loaderCode", loaders.data[0].loaderCode);
  }, [id, loaders.data, form]);

  const values = watch();
  const definition = useMemo(() => formToDefinition(values, chart.data?.definition), [JSON.stringify(values), chart.data]); // eslint-disable-line react-hooks/exhaustive-deps
  // A template's ${loaderCode} previews with the parameter's default.
  const param = chart.data?.definition.parameters?.find((p) => p.name === "loaderCode")?.default ?? "";
  const previewLoader = values.loaderCode.startsWith("${") ? param : values.loaderCode;
  const bounds = useMemo(() => resolveRange(range), [range]);
  const preview = useSignals(previewLoader ? {
    loaderCode: previewLoader, fromEpoch: bounds.from, toEpoch: bounds.to, aggregation: values.aggregation,
    bucket: values.aggregation === "raw" ? undefined : values.bucket, segmentCode: values.segments.length ? values.segments : undefined,
  } : null, false);

  const submit = (asTemplate: boolean) => handleSubmit(async (form) => {
    const def = formToDefinition(form, chart.data?.definition);
    try {
      const saved = asTemplate
        ? await save.mutateAsync({ definition: toTemplate(def) })
        : await save.mutateAsync({ id, definition: { ...def, message: id ? "Edited in the chart editor" : "Created in the chart editor" } });
      toast.success(asTemplate ? `Template “${saved.definition.chartName}” saved` : `Chart saved (version ${saved.version})`);
      navigate(`/charts/${saved.id}`, { replace: !asTemplate && !!id });
    } catch (err) {
      if (err instanceof ApiError) for (const [field, message] of Object.entries(err.fieldErrors())) {
        if (field in form) setError(field as keyof ChartForm, { message });
      }
    }
  });

  if (id && chart.isLoading) return <LoadingState label="Loading chart…" />;
  if (id && chart.isError) return <ErrorState error={chart.error} onRetry={() => chart.refetch()} title="Could not load the chart" />;

  const toggleMetric = (current: Metric[], m: Metric) => (current.includes(m) ? current.filter((x) => x !== m) : [...current, m]);

  return (
    <form onSubmit={submit(false)} noValidate className="space-y-5">
      <PageHeader
        title={id ? values.chartName || "Chart" : "New chart"}
        description={id && chart.data ? (
          <span className="flex items-center gap-2">Version {chart.data.version} · updated by {chart.data.updatedBy}{chart.data.definition.isTemplate && <Badge variant="warning">Template</Badge>}</span>
        ) : "Pick a loader and metrics; the preview updates as you type."}
        actions={canWrite && (
          <>
            {id && <Button variant="outline" asChild><Link to={`/alerts/rules/new?chartId=${id}`}><BellPlus /> Alert on this chart</Link></Button>}
            <Button variant="outline" asChild><Link to="/charts">Cancel</Link></Button>
            <Button type="button" variant="outline" onClick={submit(true)} disabled={isSubmitting}><BookmarkPlus /> Save as template</Button>
            <Button type="submit" disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <Save />} Save chart</Button>
          </>
        )}
      />
      {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
      {inherits && (
        <Alert variant="info"><Info />
          <span>This chart extends <Link className="font-medium text-primary hover:underline" to={`/charts/${chart.data!.definition.extends}`}>another chart</Link>. The form shows the resolved definition; saving stores the fields shown here as this chart&apos;s overrides.</span>
        </Alert>
      )}
      {resolved.isError && <Alert variant="destructive">{errorMessage(resolved.error)}</Alert>}
      <div className="grid gap-5 xl:grid-cols-[380px_1fr]">
        <Card>
          <CardHeader><CardTitle>Definition</CardTitle></CardHeader>
          <CardContent>
            <fieldset disabled={!canWrite} className="space-y-4">
              <Field label="Name" htmlFor="chart-name" error={errors.chartName?.message}>
                <Input id="chart-name" aria-invalid={!!errors.chartName} {...register("chartName")} placeholder="Orders per minute" />
              </Field>
              <div className="grid grid-cols-2 gap-3">
                <Field label="Type" htmlFor="chart-type" error={errors.chartType?.message}>
                  <NativeSelect id="chart-type" {...register("chartType")}>
                    <option value="line">Line</option><option value="area">Area</option><option value="bar">Bar</option><option value="scatter">Scatter</option><option value="pie">Pie</option>
                  </NativeSelect>
                </Field>
                <Field label="Loader" htmlFor="chart-loader" error={errors.loaderCode?.message}>
                  <NativeSelect id="chart-loader" aria-invalid={!!errors.loaderCode} {...register("loaderCode")}>
                    <option value="">Choose…</option>
                    {values.loaderCode.startsWith("${") && <option value={values.loaderCode}>{values.loaderCode} (parameter)</option>}
                    {(loaders.data ?? []).map((l) => <option key={l.loaderCode} value={l.loaderCode}>{l.loaderCode}</option>)}
                  </NativeSelect>
                </Field>
                <Field label="Aggregation" htmlFor="chart-aggregation">
                  <NativeSelect id="chart-aggregation" {...register("aggregation")}>
                    <option value="raw">Raw</option><option value="avg">Average</option><option value="sum">Sum</option><option value="min">Minimum</option><option value="max">Maximum</option>
                  </NativeSelect>
                </Field>
                <Field label="Bucket" htmlFor="chart-bucket">
                  <NativeSelect id="chart-bucket" disabled={values.aggregation === "raw"} {...register("bucket")}>
                    {BUCKETS.map((b) => <option key={b} value={b}>{b}</option>)}
                  </NativeSelect>
                </Field>
              </div>
              <Field label="Metrics" htmlFor="chart-metrics" error={errors.metrics?.message}>
                <Controller control={control} name="metrics" render={({ field }) => (
                  <div id="chart-metrics" className="grid grid-cols-2 gap-2 rounded-md border p-3">
                    {METRICS.map((m) => (
                      <label key={m.value} className="flex items-center gap-2 text-sm">
                        <Checkbox checked={field.value.includes(m.value)} onCheckedChange={() => field.onChange(toggleMetric(field.value, m.value))} aria-label={m.label} />
                        {m.label}
                      </label>
                    ))}
                  </div>
                )} />
              </Field>
              <div className="grid grid-cols-2 gap-3">
                <Field label="Units" htmlFor="chart-units" error={errors.units?.message} hint="Shown on the value axis">
                  <Input id="chart-units" {...register("units")} placeholder="orders" />
                </Field>
                <Field label="Title" htmlFor="chart-title" error={errors.title?.message}>
                  <Input id="chart-title" {...register("title")} placeholder="(optional)" />
                </Field>
              </div>
              <div className="flex items-center gap-2">
                <Controller control={control} name="isTemplate" render={({ field }) => (
                  <Checkbox id="chart-template" checked={field.value} onCheckedChange={(v) => field.onChange(v === true)} />
                )} />
                <Label htmlFor="chart-template" className="font-normal">This chart is a template others can extend</Label>
              </div>
            </fieldset>
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <Tabs defaultValue="preview">
            <CardHeader className="flex-row items-center justify-between space-y-0">
              <TabsList>
                <TabsTrigger value="preview">Live preview</TabsTrigger>
                <TabsTrigger value="json">JSON definition</TabsTrigger>
                {id && chart.data && <TabsTrigger value="versions">Versions</TabsTrigger>}
              </TabsList>
              <TimeRangePicker value={range} onChange={setRange} />
            </CardHeader>
            <CardContent>
              <TabsContent value="preview" className="mt-0">
                {!previewLoader ? <EmptyState title="Choose a loader to preview" />
                  : preview.isLoading ? <LoadingState label="Loading preview…" rows={6} />
                  : preview.isError ? <ErrorState error={preview.error} onRetry={() => preview.refetch()} title="Could not load the preview" />
                  : preview.data && preview.data.dataPoints.length === 0 ? <EmptyState title="No signals in this range" description="Try a longer time range." />
                  : preview.data && <SignalChart {...specFromDefinition(definition, preview.data.dataPoints)} slider height={420} />}
              </TabsContent>
              {id && chart.data && (
                <TabsContent value="versions" className="mt-0"><ChartVersions id={id} current={chart.data.version} /></TabsContent>
              )}
              <TabsContent value="json" className="mt-0">
                <pre data-testid="chart-json" className="max-h-[480px] overflow-auto rounded-md border bg-muted/40 p-4 font-mono text-xs leading-relaxed">{JSON.stringify(definition, null, 2)}</pre>
              </TabsContent>
            </CardContent>
          </Tabs>
        </Card>
      </div>
    </form>
  );
}

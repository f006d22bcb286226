import { useEffect, useMemo, useRef, useState } from "react";
import { useFieldArray, useForm, type FieldPath, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { FlaskConical, History, Loader2, Pause, Play, Save } from "lucide-react";
import { useChart, useCharts } from "@/api/charts";
import { useBacktest, useRule, useRuleStatus, useSaveRule } from "@/api/alerts";
import { ApiError, errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { metricLabel } from "@/lib/chart-options";
import { resolveRange, type TimeRange } from "@/lib/time-range";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { StatusBadge } from "@/components/severity-badge";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { chartFacts, emptyRuleForm, formForChart, formPath, formToRule, ruleSchema, ruleToForm, SEVERITIES, type RuleForm, type RuleFormInput } from "./rule-form";
import { ConditionsCard, BaselineCard, WindowsCard, LabelsCard } from "./rule-editor-parts";
import { BacktestPanel } from "./backtest-panel";
import { EvaluationsCard } from "./evaluations-card";
import { RuleSilencesCard } from "./silences";

export default function RuleEditorPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const fromChart = params.get("chartId") ?? undefined;
  const navigate = useNavigate();
  const canWrite = useCan("OPERATOR");
  const rule = useRule(id);
  const charts = useCharts();
  const seedChart = useChart(!id ? fromChart : undefined);
  const save = useSaveRule();
  const status = useRuleStatus();
  const backtest = useBacktest();
  const [range, setRange] = useState<TimeRange>({ preset: "24h" });
  const setCrumb = useCrumbLabels((s) => s.set);

  const form = useForm<RuleFormInput, unknown, RuleForm>({ // The schema turns typed numbers into numbers: input and output types differ.
    resolver: zodResolver(ruleSchema) as unknown as Resolver<RuleFormInput, unknown, RuleForm>, defaultValues: emptyRuleForm(), mode: "onTouched" });
  const { register, handleSubmit, reset, watch, setValue, setError, formState: { errors, isSubmitting } } = form;
  const chartParams = useFieldArray({ control: form.control, name: "chartParams" });

  // Fill the form once per rule version (or once from the chart), never on background refetches.
  const loaded = useRef<string | null>(null);
  useEffect(() => {
    const key = rule.data ? `${rule.data.id}:${rule.data.version}` : seedChart.data ? `chart:${seedChart.data.id}` : null;
    if (!key || loaded.current === key) return;
    loaded.current = key;
    reset(rule.data ? ruleToForm(rule.data.definition) : formForChart(seedChart.data!));
  }, [rule.data, seedChart.data, reset]);
  useEffect(() => { if (id && rule.data) setCrumb(`/alerts/rules/${id}`, rule.data.definition.ruleName); }, [id, rule.data, setCrumb]);

  const chartId = watch("chartId");
  const chart = useChart(chartId || undefined);
  const facts = useMemo(() => chartFacts(chart.data), [chart.data]);

  const pickChart = (nextId: string) => {
    setValue("chartId", nextId, { shouldValidate: true });
    const picked = charts.data?.find((c) => c.id === nextId);
    if (!picked) return;
    const fresh = formForChart(picked);
    setValue("loaderCode", fresh.loaderCode);
    setValue("metric", fresh.metric);
    setValue("segmentCode", "");
    chartParams.replace(fresh.chartParams);
    if (!form.getValues("ruleName")) setValue("ruleName", fresh.ruleName);
  };

  const applyServerErrors = (err: unknown) => {
    if (!(err instanceof ApiError)) return;
    for (const d of err.details) {
      const path = formPath(d.field);
      if (path) setError(path as FieldPath<RuleFormInput>, { message: d.message });
    }
  };

  const onSave = handleSubmit(async (values) => {
    try {
      const saved = await save.mutateAsync({ id, definition: formToRule(values) });
      toast.success(id ? `Rule saved (version ${saved.version})` : `Rule “${saved.definition.ruleName}” created`);
      loaded.current = `${saved.id}:${saved.version}`;
      if (!id) navigate(`/alerts/rules/${saved.id}`, { replace: true });
    } catch (err) {
      applyServerErrors(err);
    }
  });

  const onBacktest = handleSubmit(async (values) => {
    const { from, to } = resolveRange(range);
    try {
      await backtest.mutateAsync({ rule: formToRule(values), fromEpoch: from, toEpoch: to });
    } catch (err) {
      applyServerErrors(err);
    }
  });

  if (id && rule.isLoading) return <LoadingState label="Loading rule…" />;
  if (id && rule.isError) return <ErrorState error={rule.error} onRetry={() => rule.refetch()} title="Could not load the rule" />;
  if (!id && fromChart && seedChart.isLoading) return <LoadingState label="Loading chart…" />;

  const units = typeof chart.data?.definition.visualization?.units === "string" ? chart.data.definition.visualization.units : null;
  const paused = rule.data?.status === "PAUSED";

  return (
    <form onSubmit={onSave} noValidate className="space-y-5">
      <PageHeader
        title={id ? watch("ruleName") || "Alert rule" : "New alert rule"}
        description={rule.data ? (
          <span className="flex items-center gap-2">
            <StatusBadge status={rule.data.status} />{rule.data.firing && <StatusBadge status="FIRING" />}
            Version {rule.data.version} · created by {rule.data.createdBy}
          </span>
        ) : chart.data ? `Watching the chart “${chart.data.definition.chartName}”.` : "Choose the chart to watch, then say when it should fire."}
        actions={(
          <>
            {rule.data && <Button variant="outline" asChild><Link to={`/alerts/history?ruleId=${rule.data.id}`}><History /> Alert history</Link></Button>}
            {canWrite && rule.data && (
              <Button type="button" variant="outline" disabled={status.isPending}
                onClick={() => status.mutate({ id: rule.data!.id, status: paused ? "ACTIVE" : "PAUSED" }, {
                  onSuccess: (r) => { toast.success(`Rule ${r.status === "PAUSED" ? "paused" : "resumed"}`); rule.refetch(); },
                  onError: (e) => toast.error(errorMessage(e)),
                })}>
                {paused ? <Play /> : <Pause />} {paused ? "Resume" : "Pause"}
              </Button>
            )}
            {canWrite && <Button variant="outline" asChild><Link to="/alerts/rules">Cancel</Link></Button>}
            {canWrite && <Button type="submit" disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <Save />} {id ? "Save rule" : "Create rule"}</Button>}
          </>
        )}
      />
      {save.error && <Alert variant="destructive">{errorMessage(save.error)}</Alert>}
      <div className="grid gap-5 xl:grid-cols-[minmax(0,560px)_minmax(0,1fr)]">
        <fieldset disabled={!canWrite} className="group min-w-0 space-y-5">
          <Card>
            <CardHeader><CardTitle>What to watch</CardTitle></CardHeader>
            <CardContent className="grid grid-cols-2 gap-3">
              <Field label="Rule name" htmlFor="rule-name" error={errors.ruleName?.message} className="col-span-2">
                <Input id="rule-name" aria-invalid={!!errors.ruleName} {...register("ruleName")} placeholder="Payment errors too high" />
              </Field>
              <Field label="Chart" htmlFor="rule-chart" error={errors.chartId?.message} className="col-span-2">
                <NativeSelect id="rule-chart" aria-invalid={!!errors.chartId} value={chartId} onChange={(e) => pickChart(e.target.value)}>
                  <option value="">Choose a chart…</option>
                  {/* The rule's chart is known before the list arrives (or when it is beyond the list). */}
                  {chart.data && !charts.data?.some((c) => c.id === chart.data!.id) && <option value={chart.data.id}>{chart.data.definition.chartName}</option>}
                  {(charts.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.definition.chartName}</option>)}
                </NativeSelect>
              </Field>
              <Field label="Loader" htmlFor="rule-loader" error={errors.loaderCode?.message}
                hint={facts.loaderParam ? "The chart is a template: choose the loader" : "Set by the chart"}>
                <Input id="rule-loader" className="font-mono text-[13px]" readOnly={!facts.loaderParam} {...register("loaderCode")} />
              </Field>
              <Field label="Metric" htmlFor="rule-metric" error={errors.metric?.message}>
                <NativeSelect id="rule-metric" {...register("metric")}>
                  {facts.metrics.map((m) => <option key={m} value={m}>{metricLabel(m)}</option>)}
                </NativeSelect>
              </Field>
              <Field label="Segment" htmlFor="rule-segment" hint="Empty: every segment of the chart, each on its own" className="col-span-2">
                <Input id="rule-segment" list="rule-segments" {...register("segmentCode")} placeholder="(all segments)" />
                <datalist id="rule-segments">{facts.segments.map((s) => <option key={s} value={s} />)}</datalist>
              </Field>
              {chartParams.fields.map((p, i) => (
                <Field key={p.id} label={`Chart parameter ${p.name}`} htmlFor={`rule-param-${i}`} error={errors.chartParams?.[i]?.value?.message}>
                  <Input id={`rule-param-${i}`} {...register(`chartParams.${i}.value`)} />
                </Field>
              ))}
              <Field label="Description" htmlFor="rule-description" error={errors.description?.message} className="col-span-2">
                <Textarea id="rule-description" rows={2} {...register("description")} placeholder="What it means when this fires, and what to do" />
              </Field>
            </CardContent>
          </Card>
          <ConditionsCard form={form} />
          <BaselineCard form={form} />
          <WindowsCard form={form} />
          <Card>
            <CardHeader>
              <CardTitle>Severity and delivery</CardTitle>
              <CardDescription>CRITICAL alerts open an incident at once; others when they repeat.</CardDescription>
            </CardHeader>
            <CardContent className="grid grid-cols-2 gap-3">
              <Field label="Severity" htmlFor="rule-severity" error={errors.severity?.message}>
                <NativeSelect id="rule-severity" {...register("severity")}>{SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}</NativeSelect>
              </Field>
              <Field label="Suppression window" htmlFor="rule-suppression" error={errors.suppressionWindow?.message} hint="No repeat alert within this time">
                <Input id="rule-suppression" {...register("suppressionWindow")} placeholder="30m" />
              </Field>
              <Field label="Evaluate every" htmlFor="rule-interval" error={errors.evaluationInterval?.message}>
                <Input id="rule-interval" {...register("evaluationInterval")} placeholder="30s" />
              </Field>
              <Field label="When there is no data" htmlFor="rule-nodata">
                <NativeSelect id="rule-nodata" {...register("noData")}>
                  <option value="keep">Keep the last state</option>
                  <option value="ok">Treat as OK</option>
                  <option value="alert">Alert</option>
                </NativeSelect>
              </Field>
            </CardContent>
          </Card>
          <LabelsCard form={form} />
        </fieldset>
        <div className="min-w-0 space-y-5">
          {chartId ? (
            <BacktestPanel range={range} onRange={setRange} onRun={onBacktest} running={backtest.isPending} result={backtest.data}
              error={backtest.error} units={units} canRun={canWrite} />
          ) : (
            <Card><EmptyState icon={<FlaskConical className="h-6 w-6" />} title="Choose a chart to backtest" description="The backtest draws the chart's metric with your threshold and the moments the rule would have fired." /></Card>
          )}
          {rule.data && <RuleSilencesCard rule={rule.data} />}
          {rule.data && <EvaluationsCard ruleId={rule.data.id} />}
        </div>
      </div>
    </form>
  );
}

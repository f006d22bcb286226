import { useEffect, useMemo, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Link, useNavigate, useParams } from "react-router-dom";
import { GripVertical, Loader2, Save, X } from "lucide-react";
import { useDashboard, useSaveDashboard } from "@/api/dashboards";
import { ApiError, errorMessage } from "@/api/errors";
import type { ChartDefinition, GridItem } from "@/api/types";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { dashboardSchema, type DashboardForm } from "@/lib/schemas";
import { fromDashboardRange, resolveRange, toDashboardRange, type TimeRange } from "@/lib/time-range";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { AddChartDialog } from "./add-chart-dialog";
import { ChartTile } from "./chart-tile";
import { DashboardGrid, applyLayout, nextPlacement } from "./dashboard-grid";
import { cleanVariables, variableProblems, VariablesEditor, type DashboardVariable } from "./variables-editor";

export default function DashboardEditorPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const dashboard = useDashboard(id);
  const save = useSaveDashboard();
  const setCrumb = useCrumbLabels((s) => s.set);
  const [items, setItems] = useState<GridItem[]>([]);
  const [charts, setCharts] = useState<Record<string, ChartDefinition | null | undefined>>({});
  const [range, setRange] = useState<TimeRange>({ preset: "24h" });
  const [message, setMessage] = useState("");
  const [variables, setVariables] = useState<DashboardVariable[]>([]);
  const form = useForm<DashboardForm>({ resolver: zodResolver(dashboardSchema), defaultValues: { name: "", description: "", refreshSeconds: 30 } });
  const { register, handleSubmit, reset, setError, formState: { errors, isSubmitting } } = form;

  // Load the stored dashboard once: a background refetch must not undo the user's edits.
  const loaded = useRef<string | null>(null);
  useEffect(() => {
    const d = dashboard.data;
    if (!d || loaded.current === d.id) return;
    loaded.current = d.id;
    setCrumb(`/dashboards/${d.id}`, d.name);
    reset({ name: d.name, description: d.definition.description ?? "", refreshSeconds: d.definition.refreshSeconds ?? 0 });
    setItems(d.definition.charts.map((c) => ({ ...c })));
    setCharts(Object.fromEntries((d.resolvedCharts ?? []).map((r) => [r.chartId, r.chart])));
    setRange(fromDashboardRange(d.definition.timeRange));
    setVariables((d.definition.variables ?? []).map((v) => ({ ...v, options: v.options ?? [] })));
  }, [dashboard.data, reset, setCrumb]);

  const bounds = useMemo(() => resolveRange(range), [range]);
  const variableDefaults = useMemo(
    () => Object.fromEntries(variables.filter((v) => v.name && v.default).map((v) => [v.name, String(v.default)])),
    [variables],
  );

  const onSubmit = async (values: DashboardForm) => {
    if (Object.keys(variableProblems(variables)).length) return; // shown next to the variable
    const input = {
      ...(dashboard.data?.definition ?? {}),
      name: values.name.trim(),
      description: values.description?.trim() || null,
      refreshSeconds: Number(values.refreshSeconds) || 0,
      timeRange: toDashboardRange(range),
      charts: items,
      variables: cleanVariables(variables),
      message: message.trim() || (id ? "Edited in the dashboard editor" : "Created"),
    };
    try {
      const saved = await save.mutateAsync({ id, input });
      toast.success(`Dashboard saved (version ${saved.version})`);
      navigate(`/dashboards/${saved.id}`);
    } catch (err) {
      if (err instanceof ApiError) for (const [field, msg] of Object.entries(err.fieldErrors())) {
        if (field === "name" || field === "description" || field === "refreshSeconds") setError(field, { message: msg });
      }
    }
  };

  if (id && dashboard.isLoading) return <LoadingState label="Loading dashboard…" />;
  if (id && dashboard.isError) return <ErrorState error={dashboard.error} onRetry={() => dashboard.refetch()} />;

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate>
      <PageHeader
        title={id ? `Edit ${dashboard.data?.name ?? "dashboard"}` : "New dashboard"}
        description="Add charts, drag them by their header, resize them from the corner, then save a new version."
        actions={
          <>
            <AddChartDialog onAdd={(chart) => {
              setItems((cur) => [...cur, { chartId: chart.id, ...nextPlacement(cur) }]);
              setCharts((cur) => ({ ...cur, [chart.id]: chart.definition }));
            }} />
            <Button variant="outline" asChild><Link to={id ? `/dashboards/${id}` : "/dashboards"}>Cancel</Link></Button>
            <Button type="submit" disabled={isSubmitting}>{isSubmitting ? <Loader2 className="animate-spin" /> : <Save />} Save</Button>
          </>
        }
      />
      {save.error && <Alert variant="destructive" className="mb-4">{errorMessage(save.error)}</Alert>}
      <Card className="mb-4">
        <CardContent className="grid gap-4 p-4 md:grid-cols-[1fr_1.4fr_140px]">
          <Field label="Name" htmlFor="dash-name" error={errors.name?.message}>
            <Input id="dash-name" aria-invalid={!!errors.name} {...register("name")} placeholder="Sales operations" />
          </Field>
          <Field label="Description" htmlFor="dash-description" error={errors.description?.message}>
            <Input id="dash-description" {...register("description")} placeholder="(optional)" />
          </Field>
          <Field label="Auto-refresh (s)" htmlFor="dash-refresh" error={errors.refreshSeconds?.message} hint="0 = off">
            <Input id="dash-refresh" type="number" aria-invalid={!!errors.refreshSeconds} {...register("refreshSeconds")} />
          </Field>
          <div className="flex flex-wrap items-end gap-4 md:col-span-3">
            <div className="space-y-1.5">
              <p className="text-sm font-medium">Default time range</p>
              <TimeRangePicker value={range} onChange={setRange} />
            </div>
            <Field label="Version message" htmlFor="dash-message" className="min-w-72 flex-1">
              <Input id="dash-message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed (shown in the history)" maxLength={500} />
            </Field>
          </div>
          <div className="md:col-span-3">
            <VariablesEditor value={variables} onChange={setVariables} />
          </div>
        </CardContent>
      </Card>
      {items.length === 0 ? (
        <Card><EmptyState title="No charts on this dashboard yet" description="Use “Add chart” to place charts from the library." /></Card>
      ) : (
        <DashboardGrid
          items={items}
          editable
          onLayoutChange={(layout) => setItems((cur) => applyLayout(cur, layout))}
          render={(item, i) => (
            <ChartTile
              chartId={item.chartId}
              title={item.title || charts[item.chartId]?.chartName || "Chart"}
              definition={charts[item.chartId]}
              from={bounds.from}
              to={bounds.to}
              variables={{ ...variableDefaults, ...item.params }}
              actions={
                <div className="flex items-center gap-0.5">
                  <span className="drag-handle cursor-move rounded p-1 text-muted-foreground hover:bg-accent" title="Drag to move" aria-label="Drag to move"><GripVertical className="h-4 w-4" /></span>
                  <button type="button" className="rounded p-1 text-muted-foreground hover:bg-destructive/10 hover:text-destructive" aria-label={`Remove chart ${i + 1}`}
                    onClick={() => setItems((cur) => cur.filter((_, j) => j !== i))}><X className="h-4 w-4" /></button>
                </div>
              }
            />
          )}
        />
      )}
    </form>
  );
}

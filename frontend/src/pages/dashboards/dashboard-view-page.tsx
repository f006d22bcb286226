import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Download, History, Pencil } from "lucide-react";
import { exportDashboard, useDashboard } from "@/api/dashboards";
import { errorMessage } from "@/api/errors";
import type { ResolvedItem } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { fromDashboardRange, resolveRange, type TimeRange } from "@/lib/time-range";
import { useTicker } from "@/lib/use-ticker";
import { useQueryClient, useIsFetching } from "@tanstack/react-query";
import { ErrorState, EmptyState, LoadingState, PageHeader } from "@/components/states";
import { RefreshControls } from "@/components/refresh-controls";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { ChartTile } from "./chart-tile";
import { DashboardGrid } from "./dashboard-grid";

export function downloadJson(name: string, value: unknown) {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-|-$/g, "") || "dashboard"}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** The dashboard's variables a chart declares, overridden by its placement's own values. */
export function chartVariables(parameters: Array<{ name: string }> | undefined, variables?: Record<string, string>, params?: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const p of parameters ?? []) if (variables && p.name in variables) out[p.name] = variables[p.name];
  return { ...out, ...(params ?? {}) };
}

export default function DashboardViewPage() {
  const { id = "" } = useParams();
  const dashboard = useDashboard(id);
  const canWrite = useCan("OPERATOR");
  const navigate = useNavigate();
  const qc = useQueryClient();
  const setCrumb = useCrumbLabels((s) => s.set);
  const [range, setRange] = useState<TimeRange | null>(null);
  const [auto, setAuto] = useState<boolean | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [updatedAt, setUpdatedAt] = useState<number>(Date.now());
  const fetching = useIsFetching({ queryKey: ["charts"] }) > 0;

  const d = dashboard.data;
  useEffect(() => { if (d) setCrumb(`/dashboards/${id}`, d.name); }, [d, id, setCrumb]);
  const effectiveRange = range ?? fromDashboardRange(d?.definition.timeRange);
  const refreshSeconds = d?.definition.refreshSeconds || 30;
  const autoOn = auto ?? !!d?.definition.refreshSeconds;
  const tick = useTicker(refreshSeconds * 1000, autoOn && effectiveRange.preset !== "custom");
  const [manual, setManual] = useState(0);
  const bounds = useMemo(() => resolveRange(effectiveRange), [JSON.stringify(effectiveRange), tick, manual]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { if (!fetching) setUpdatedAt(Date.now()); }, [fetching]);

  if (dashboard.isLoading) return <LoadingState label="Loading dashboard…" />;
  if (dashboard.isError || !d) return <ErrorState error={dashboard.error} onRetry={() => dashboard.refetch()} title="Could not load the dashboard" />;

  const items: ResolvedItem[] = d.resolvedCharts ?? d.definition.charts;
  const onExport = async () => {
    try {
      downloadJson(d.name, await exportDashboard(d.id));
      toast.success("Dashboard exported");
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };
  const refresh = () => {
    setManual((m) => m + 1);
    if (effectiveRange.preset === "custom") qc.invalidateQueries({ queryKey: ["charts"] });
  };

  return (
    <div>
      <PageHeader
        title={d.name}
        description={d.definition.description || `Version ${d.version} · updated by ${d.updatedBy ?? "—"}`}
        actions={
          <>
            <Button variant="outline" onClick={onExport}><Download /> Export</Button>
            <Button variant="outline" asChild><Link to={`/dashboards/${d.id}/history`}><History /> History</Link></Button>
            {canWrite && <Button onClick={() => navigate(`/dashboards/${d.id}/edit`)}><Pencil /> Edit</Button>}
          </>
        }
      />
      <Card className="mb-4 flex flex-wrap items-center justify-between gap-3 p-3">
        <div className="flex flex-wrap items-center gap-3">
          <TimeRangePicker value={effectiveRange} onChange={setRange} />
          {(d.definition.variables ?? []).map((v) => {
            const current = values[v.name] ?? d.effectiveVariables?.[v.name] ?? v.default ?? "";
            const set = (value: string) => setValues((cur) => ({ ...cur, [v.name]: value }));
            return (
              <label key={v.name} className="flex items-center gap-1.5 text-xs font-medium text-muted-foreground">
                {v.label || v.name}
                {v.options?.length ? (
                  <NativeSelect className="h-8 w-40 text-xs" value={current} onChange={(e) => set(e.target.value)} aria-label={`Variable ${v.label || v.name}`}>
                    {v.options.map((o) => <option key={o} value={o}>{o}</option>)}
                  </NativeSelect>
                ) : (
                  <Input className="h-8 w-40 text-xs" defaultValue={current} onBlur={(e) => set(e.target.value)} aria-label={`Variable ${v.label || v.name}`} />
                )}
              </label>
            );
          })}
        </div>
        <RefreshControls updatedAt={updatedAt} fetching={fetching} auto={autoOn} onAutoChange={setAuto} onRefresh={refresh} seconds={refreshSeconds} />
      </Card>
      {items.length === 0 ? (
        <Card><EmptyState title="This dashboard has no charts yet" description="Edit it to add charts from the chart library."
          action={canWrite ? <Button onClick={() => navigate(`/dashboards/${d.id}/edit`)}><Pencil /> Edit dashboard</Button> : undefined} /></Card>
      ) : (
        <DashboardGrid items={items} render={(item, i) => {
          const resolved = item as ResolvedItem;
          return (
            <ChartTile
              chartId={item.chartId}
              title={item.title || resolved?.chart?.chartName || "Chart"}
              definition={resolved?.chart}
              resolveError={resolved?.error ? resolved.error.message ?? "This chart cannot be resolved" : null}
              from={bounds.from}
              to={bounds.to}
              variables={chartVariables(resolved?.chart?.parameters, { ...(d.effectiveVariables ?? {}), ...values }, item.params)}
              perfId={`dashboard-${i}`}
            />
          );
        }} />
      )}
    </div>
  );
}

import { useMemo } from "react";
import { Link } from "react-router-dom";
import { useChart, useChartData } from "@/api/charts";
import type { LinkedAlert } from "@/api/incidents";
import { specFromDefinition } from "@/lib/chart-definition";
import { formatDateTime, formatNumber } from "@/lib/utils";
import { SignalChart } from "@/components/signal-chart";
import { SeverityBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/** The window a related chart shows: an hour before the first alert to half an hour after the last (or now). */
export function alertWindow(alerts: LinkedAlert[], nowMs = Date.now()): { from: number; to: number } {
  const times = alerts.map((a) => Date.parse(a.triggeredAt) / 1000).filter(Number.isFinite);
  const ends = alerts.map((a) => (a.resolvedAt ? Date.parse(a.resolvedAt) / 1000 : nowMs / 1000));
  const first = times.length ? Math.min(...times) : nowMs / 1000 - 3600;
  const last = Math.max(...ends, first);
  return { from: Math.floor(first - 3600), to: Math.ceil(Math.min(nowMs / 1000, last + 1800)) };
}

function AlertChart({ chartId, alerts }: { chartId: string; alerts: LinkedAlert[] }) {
  const chart = useChart(chartId);
  const range = useMemo(() => alertWindow(alerts), [alerts]);
  const data = useChartData(chartId, range.from, range.to);
  const thresholds = [...new Set(alerts.map((a) => a.threshold).filter((t): t is number => t != null))].map((value) => ({ value, label: `threshold ${value}` }));
  return (
    <div className="rounded-md border p-3" data-testid="related-chart">
      <div className="mb-1 flex items-center justify-between text-sm">
        <Link to={`/charts/${chartId}`} className="font-medium text-primary hover:underline">{chart.data?.definition.chartName ?? "Chart"}</Link>
        <span className="text-xs text-muted-foreground">{formatDateTime(range.from)} → {formatDateTime(range.to)}</span>
      </div>
      {chart.isError ? <ErrorState error={chart.error} title="The chart cannot be shown" />
        : data.isLoading || chart.isLoading ? <LoadingState rows={3} />
        : data.isError ? <ErrorState error={data.error} onRetry={() => data.refetch()} title="Could not load the chart's data" />
        : !data.data?.dataPoints.length ? <EmptyState title="No data around these alerts" />
        : <SignalChart {...specFromDefinition(chart.data?.definition, data.data.dataPoints)} thresholds={thresholds} height={220} compact />}
    </div>
  );
}

export function RelatedAlertsCard({ alerts }: { alerts: LinkedAlert[] }) {
  const byChart = useMemo(() => {
    const m = new Map<string, LinkedAlert[]>();
    for (const a of alerts) if (a.chartId) m.set(a.chartId, [...(m.get(a.chartId) ?? []), a]);
    return [...m.entries()].slice(0, 4);
  }, [alerts]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Related alerts</CardTitle>
        <CardDescription>The alerts grouped into this incident, with the charts they fired on.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {alerts.length === 0 ? <EmptyState title="No alerts linked" description="This incident was opened by hand." /> : (
          <>
            <ul className="divide-y rounded-md border">
              {alerts.map((a) => (
                <li key={a.alertId} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm" data-testid="related-alert">
                  <SeverityBadge severity={a.severity} />
                  <Link to={`/alerts/history?alert=${a.alertId}`} className="font-medium text-primary hover:underline">{a.ruleName ?? a.alertId.slice(0, 8)}</Link>
                  <span className="text-xs text-muted-foreground">{formatDateTime(a.triggeredAt)}</span>
                  <span className="ml-auto text-xs">value {formatNumber(a.currentValue)} / threshold {formatNumber(a.threshold)}</span>
                  {a.resolvedAt ? <Badge variant="success">resolved</Badge> : <Badge variant="destructive">firing</Badge>}
                </li>
              ))}
            </ul>
            <div className="grid gap-3 2xl:grid-cols-2">
              {byChart.map(([chartId, list]) => <AlertChart key={chartId} chartId={chartId} alerts={list} />)}
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}

import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { Info, LineChart as LineIcon, AreaChart, BarChart3 } from "lucide-react";
import { useLoaders } from "@/api/loaders";
import { useSignals } from "@/api/signals";
import type { Aggregation, Bucket, ChartType, Metric } from "@/api/types";
import { METRICS } from "@/lib/chart-options";
import { BUCKETS, PRESETS, resolveRange, type TimeRange } from "@/lib/time-range";
import { useTicker } from "@/lib/use-ticker";
import { formatNumber } from "@/lib/utils";
import { SignalChart } from "@/components/signal-chart";
import { TimeRangePicker } from "@/components/time-range-picker";
import { RefreshControls } from "@/components/refresh-controls";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/input";
import { MultiSelect } from "@/components/ui/multi-select";
import { cn } from "@/lib/utils";

const CHART_TYPES: Array<{ value: ChartType; label: string; icon: typeof LineIcon }> = [
  { value: "line", label: "Line", icon: LineIcon },
  { value: "area", label: "Area", icon: AreaChart },
  { value: "bar", label: "Bar", icon: BarChart3 },
];
const REFRESH_MS = 30_000;

export default function ExplorerPage() {
  const [params, setParams] = useSearchParams();
  const loaders = useLoaders();
  const loaderCode = params.get("loader") ?? "";
  // Links can preset the range and aggregation: /signals?loader=X&range=7d&agg=raw
  const [range, setRange] = useState<TimeRange>(() => {
    const preset = PRESETS.find((p) => p.value === params.get("range"));
    return { preset: preset?.value ?? "24h" };
  });
  const [segments, setSegments] = useState<string[]>(() => params.getAll("seg"));
  const [aggregation, setAggregation] = useState<Aggregation>(() => {
    const agg = params.get("agg");
    return agg === "raw" || agg === "avg" || agg === "sum" || agg === "min" || agg === "max" ? agg : "avg";
  });
  const [bucket, setBucket] = useState<Bucket | "auto">(() => (BUCKETS as string[]).includes(params.get("bucket") ?? "") ? params.get("bucket") as Bucket : "auto");
  const [chartType, setChartType] = useState<ChartType>(() => CHART_TYPES.find((c) => c.value === params.get("type"))?.value ?? "line");
  const [metrics, setMetrics] = useState<Metric[]>(() => {
    const chosen = params.getAll("metric").filter((m): m is Metric => METRICS.some((x) => x.value === m));
    return chosen.length ? chosen : ["avgVal"];
  });
  // The view is a link: what is on screen is in the address, ready to paste into an incident.
  useEffect(() => {
    setParams((p) => {
      const next = new URLSearchParams();
      if (p.get("loader")) next.set("loader", p.get("loader")!);
      if (range.preset !== "custom") next.set("range", range.preset);
      next.set("agg", aggregation);
      if (bucket !== "auto") next.set("bucket", bucket);
      next.set("type", chartType);
      metrics.forEach((m) => next.append("metric", m));
      segments.forEach((s) => next.append("seg", s));
      return next;
    }, { replace: true });
  }, [range, aggregation, bucket, chartType, metrics, segments, setParams]);
  const [auto, setAuto] = useState(true);

  // Default to the first loader so the page shows something useful at once.
  useEffect(() => {
    if (!loaderCode && loaders.data?.length) setParams((p) => { p.set("loader", loaders.data[0].loaderCode); return p; }, { replace: true });
  }, [loaderCode, loaders.data, setParams]);

  const loader = loaders.data?.find((l) => l.loaderCode === loaderCode);
  // Relative ranges slide forward on every auto-refresh tick.
  const tick = useTicker(REFRESH_MS, auto && range.preset !== "custom");
  const [manual, setManual] = useState(0);
  const bounds = useMemo(() => resolveRange(range), [range, tick, manual]); // eslint-disable-line react-hooks/exhaustive-deps
  const query = loaderCode ? {
    loaderCode, fromEpoch: bounds.from, toEpoch: bounds.to, aggregation,
    bucket: aggregation === "raw" || bucket === "auto" ? undefined : bucket,
    segmentCode: segments.length ? segments : undefined,
  } : null;
  const signals = useSignals(query, false);

  const segmentOptions = useMemo(() => {
    const codes = new Set<string>(loader?.segments ?? []);
    signals.data?.dataPoints.forEach((p) => p.segmentCode && codes.add(p.segmentCode));
    segments.forEach((s) => codes.add(s));
    return [...codes].sort().map((c) => ({ value: c, label: c }));
  }, [loader, signals.data, segments]);

  const toggleMetric = (m: Metric) => setMetrics((cur) => (cur.includes(m) ? (cur.length > 1 ? cur.filter((x) => x !== m) : cur) : [...cur, m]));
  const data = signals.data;

  return (
    <div className="space-y-4">
      <PageHeader
        title="Signals explorer"
        description="Look at any loader's signals over time: pick a range, split by segment, aggregate into buckets, zoom in."
        actions={<RefreshControls updatedAt={signals.dataUpdatedAt || undefined} fetching={signals.isFetching} auto={auto} onAutoChange={setAuto} onRefresh={() => setManual((m) => m + 1)} />}
      />
      <Card>
        <CardContent className="flex flex-wrap items-end gap-4 p-4">
          <div className="w-56 space-y-1.5">
            <Label htmlFor="explorer-loader">Loader</Label>
            <NativeSelect id="explorer-loader" value={loaderCode} onChange={(e) => { setSegments([]); setParams((p) => { p.set("loader", e.target.value); return p; }); }}>
              {!loaderCode && <option value="">{loaders.isLoading ? "Loading…" : "Choose a loader…"}</option>}
              {/* A deleted loader's signals are kept: its code stays selectable from a link. */}
              {loaderCode && loaders.data && !loader && <option value={loaderCode}>{loaderCode} (no longer defined)</option>}
              {(loaders.data ?? []).map((l) => <option key={l.loaderCode} value={l.loaderCode}>{l.loaderCode}</option>)}
            </NativeSelect>
          </div>
          <div className="space-y-1.5">
            <Label>Time range</Label>
            <TimeRangePicker value={range} onChange={setRange} />
          </div>
          <div className="w-52 space-y-1.5">
            <Label htmlFor="explorer-segments">Segments</Label>
            <MultiSelect id="explorer-segments" options={segmentOptions} value={segments} onChange={setSegments} placeholder="All combined" emptyText="This loader has no segments yet" />
          </div>
          <div className="w-32 space-y-1.5">
            <Label htmlFor="explorer-aggregation">Aggregation</Label>
            <NativeSelect id="explorer-aggregation" value={aggregation} onChange={(e) => setAggregation(e.target.value as Aggregation)}>
              <option value="raw">Raw</option><option value="avg">Average</option><option value="sum">Sum</option><option value="min">Minimum</option><option value="max">Maximum</option>
            </NativeSelect>
          </div>
          <div className="w-28 space-y-1.5">
            <Label htmlFor="explorer-bucket">Bucket</Label>
            <NativeSelect id="explorer-bucket" value={aggregation === "raw" ? "auto" : bucket} disabled={aggregation === "raw"} onChange={(e) => setBucket(e.target.value as Bucket | "auto")}>
              <option value="auto">Auto</option>
              {BUCKETS.map((b) => <option key={b} value={b}>{b}</option>)}
            </NativeSelect>
          </div>
          <div className="space-y-1.5">
            <Label>Chart</Label>
            <div className="inline-flex rounded-md border bg-background p-0.5 shadow-sm" role="group" aria-label="Chart type">
              {CHART_TYPES.map(({ value, label, icon: Icon }) => (
                <button key={value} type="button" aria-pressed={chartType === value} onClick={() => setChartType(value)}
                  className={cn("inline-flex items-center gap-1 rounded px-2.5 py-1 text-xs font-medium text-muted-foreground hover:text-foreground", chartType === value && "bg-primary text-primary-foreground hover:text-primary-foreground")}>
                  <Icon className="h-3.5 w-3.5" /> {label}
                </button>
              ))}
            </div>
          </div>
          <div className="space-y-1.5">
            <Label>Metrics</Label>
            <div className="flex flex-wrap gap-1" role="group" aria-label="Metrics">
              {METRICS.map((m) => (
                <button key={m.value} type="button" aria-pressed={metrics.includes(m.value)} onClick={() => toggleMetric(m.value)}
                  className={cn("rounded-full border px-2.5 py-1 text-xs font-medium text-muted-foreground hover:text-foreground", metrics.includes(m.value) && "border-primary bg-primary/10 text-primary")}>
                  {m.label}
                </button>
              ))}
            </div>
          </div>
        </CardContent>
      </Card>

      {data?.sampled && (
        <Alert variant="info" data-testid="downsampled-note">
          <Info />
          <span>Downsampled: showing {formatNumber(data.dataPoints.length)} of {formatNumber(data.originalPoints)} points (LTTB keeps the shape, peaks and dips). Zoom into a shorter range for every point.</span>
        </Alert>
      )}

      <Card>
        <CardContent className="p-4">
          {loaders.isError ? <ErrorState error={loaders.error} onRetry={() => loaders.refetch()} title="Could not load the loaders" />
            : !loaders.isLoading && (loaders.data ?? []).length === 0 ? (
              <EmptyState title="No loaders yet" description="Signals come from loaders. Create one to see its data here." action={<Link className="text-sm font-medium text-primary hover:underline" to="/loaders/new">New loader</Link>} />
            ) : !query || signals.isLoading ? <LoadingState label="Loading signals…" rows={6} />
            : signals.isError ? <ErrorState error={signals.error} onRetry={() => signals.refetch()} title="Could not load the signals" />
            : data && data.dataPoints.length === 0 ? (
              <EmptyState title="No signals in this range" description={`${loaderCode} has no data between these times. Try a longer range, or run the loader.`} />
            ) : data && (
              <>
                <div className="mb-2 flex flex-wrap gap-4 text-xs text-muted-foreground" data-testid="explorer-stats">
                  <span>{formatNumber(data.dataPoints.length)} points</span>
                  <span>aggregation {data.aggregation}{data.bucket ? ` · ${data.bucket} buckets` : ""}</span>
                  <span>{new Date(data.timeRange.from * 1000).toLocaleString()} → {new Date(data.timeRange.to * 1000).toLocaleString()}</span>
                </div>
                <SignalChart points={data.dataPoints} metrics={metrics} chartType={chartType} slider height={440} perfId="explorer" />
              </>
            )}
        </CardContent>
      </Card>
    </div>
  );
}

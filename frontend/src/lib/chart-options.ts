import type { EChartsOption, SeriesOption } from "echarts";
import type { ChartType, DataPoint, Metric } from "@/api/types";

export const METRICS: Array<{ value: Metric; label: string }> = [
  { value: "avgVal", label: "Average" },
  { value: "sumVal", label: "Sum" },
  { value: "minVal", label: "Minimum" },
  { value: "maxVal", label: "Maximum" },
  { value: "recCount", label: "Record count" },
];

export const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

export function metricLabel(metric: Metric): string {
  return METRICS.find((m) => m.value === metric)?.label ?? metric;
}

export interface SignalChartSpec {
  points: DataPoint[];
  metrics: Metric[];
  chartType: ChartType;
  title?: string;
  units?: string | null;
  colors?: string[];
  thresholds?: Array<{ value: number; label?: string; color?: string }>;
  /** Show the zoom slider (explorer, big charts); wheel/drag zoom is always on. */
  slider?: boolean;
  /** Compact layout for dashboard tiles. */
  compact?: boolean;
}

/** Series key → [epochMs, value][]: one series per metric, per segment when points carry one. */
export function groupSeries(points: DataPoint[], metrics: Metric[]): Map<string, Array<[number, number | null]>> {
  const segmented = points.some((p) => p.segmentCode);
  const out = new Map<string, Array<[number, number | null]>>();
  for (const metric of metrics) {
    for (const p of points) {
      const key = segmented ? `${p.segmentCode ?? "—"} · ${metricLabel(metric)}` : metricLabel(metric);
      let data = out.get(key);
      if (!data) out.set(key, (data = []));
      data.push([p.timestamp * 1000, p[metric]]);
    }
  }
  for (const data of out.values()) data.sort((a, b) => a[0] - b[0]);
  return out;
}

function formatValue(value: unknown, units?: string | null): string {
  if (typeof value !== "number") return "—";
  const text = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(value);
  return units ? `${text} ${units}` : text;
}

/** The ECharts option for a signal chart: time axis, units on the value axis, tooltips, legend, zoom. */
export function buildSignalOption(spec: SignalChartSpec): EChartsOption {
  const { points, metrics, chartType, units, compact } = spec;
  const colors = spec.colors?.length ? spec.colors : PALETTE;
  if (chartType === "pie") return buildPieOption(spec, colors);

  const groups = groupSeries(points, metrics);
  const large = points.length > 5000;
  const series: SeriesOption[] = [...groups.entries()].map(([name, data], i) => {
    const base = { name, data, emphasis: { focus: "series" as const } };
    if (chartType === "bar") return { ...base, type: "bar", large, barMaxWidth: 24 };
    if (chartType === "scatter") return { ...base, type: "scatter", symbolSize: 4, large };
    return {
      ...base,
      type: "line",
      showSymbol: data.length < 60,
      symbolSize: 5,
      // Extra safety for huge series: ECharts keeps the shape with LTTB on its side too.
      sampling: "lttb",
      lineStyle: { width: 1.6 },
      areaStyle: chartType === "area" ? { opacity: 0.18 } : undefined,
      ...(i === 0 && spec.thresholds?.length
        ? {
            markLine: {
              symbol: "none",
              silent: true,
              label: { formatter: "{b}", position: "insideEndTop" },
              data: spec.thresholds.map((t) => ({
                name: t.label ?? `threshold ${t.value}`,
                yAxis: t.value,
                lineStyle: { color: t.color ?? "#dc2626", type: "dashed" },
              })),
            },
          }
        : {}),
    } as SeriesOption;
  });

  return {
    color: colors,
    animation: !large && !compact,
    animationDuration: 300,
    title: spec.title && !compact ? { text: spec.title, left: 0, textStyle: { fontSize: 14, fontWeight: 600 } } : undefined,
    // Room above the plot for the legend, then the value axis' unit name.
    grid: { left: 8, right: 16, top: (spec.title && !compact ? 28 : 0) + (units ? 52 : 36), bottom: spec.slider ? 56 : 8, containLabel: true },
    legend: { type: "scroll", top: compact ? 0 : spec.title ? 28 : 0, left: compact ? 0 : "center", textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: chartType === "bar" ? "shadow" : "cross", label: { backgroundColor: "#475569" } },
      valueFormatter: (value) => formatValue(value, units),
    },
    xAxis: { type: "time", name: compact ? undefined : "Time", nameLocation: "middle", nameGap: 28, axisLabel: { hideOverlap: true } },
    yAxis: {
      type: "value",
      name: units ?? undefined,
      nameTextStyle: { align: "left" },
      // Bars grow from zero; lines zoom to the data's band.
      scale: chartType !== "bar",
      splitLine: { lineStyle: { color: "#e2e8f0" } },
      axisLabel: { formatter: (v: number) => new Intl.NumberFormat(undefined, { notation: "compact", maximumSignificantDigits: 3 }).format(v) },
    },
    dataZoom: spec.slider
      ? [{ type: "inside", filterMode: "none" }, { type: "slider", height: 22, bottom: 8, filterMode: "none" }]
      : [{ type: "inside", filterMode: "none" }],
    series,
  };
}

function buildPieOption(spec: SignalChartSpec, colors: string[]): EChartsOption {
  const metric = spec.metrics[0] ?? "sumVal";
  const totals = new Map<string, number>();
  for (const p of spec.points) {
    const key = p.segmentCode ?? "all";
    totals.set(key, (totals.get(key) ?? 0) + (p[metric] ?? 0));
  }
  return {
    color: colors,
    title: spec.title && !spec.compact ? { text: spec.title, left: 0, textStyle: { fontSize: 14, fontWeight: 600 } } : undefined,
    tooltip: { trigger: "item", valueFormatter: (v) => formatValue(v, spec.units) },
    legend: { type: "scroll", bottom: 0 },
    series: [{
      type: "pie",
      name: metricLabel(metric),
      radius: ["40%", "70%"],
      data: [...totals.entries()].map(([name, value]) => ({ name, value })),
    }],
  };
}

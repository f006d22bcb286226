import type { EChartsOption, SeriesOption } from "echarts";
import type { BacktestResult } from "@/api/alerts";
import { metricLabel, PALETTE } from "@/lib/chart-options";

/** The backtest as a chart: the rule's series, its threshold line and the windows it would have fired in. */
export function firingWindows(result: BacktestResult): Array<{ from: number; to: number; peak: number | null; seriesKey: string; suppressed: boolean }> {
  const last = result.timeline.reduce((max, p) => Math.max(max, p.timestamp), 0);
  return result.firings.map((f) => ({
    from: f.from,
    // A firing still open at the end of the range lasts until the last point.
    to: f.to ?? last,
    peak: f.peakValue,
    seriesKey: f.seriesKey ?? "",
    suppressed: !!f.suppressed,
  }));
}

export function buildBacktestOption(result: BacktestResult, opts: { units?: string | null } = {}): EChartsOption {
  const bySeries = new Map<string, Array<[number, number | null]>>();
  for (const p of result.timeline) {
    const key = p.seriesKey || metricLabel(result.metric);
    let data = bySeries.get(key);
    if (!data) bySeries.set(key, (data = []));
    data.push([p.timestamp * 1000, p.value]);
  }
  for (const data of bySeries.values()) data.sort((a, b) => a[0] - b[0]);
  const windows = firingWindows(result);
  const series: SeriesOption[] = [...bySeries.entries()].map(([name, data], i) => ({
    name,
    type: "line",
    data,
    showSymbol: data.length < 80,
    symbolSize: 4,
    lineStyle: { width: 1.6 },
    ...(i === 0 ? {
      markLine: result.threshold == null ? undefined : {
        symbol: "none",
        silent: true,
        label: { formatter: `threshold ${result.threshold}`, position: "insideEndTop", color: "#dc2626" },
        lineStyle: { color: "#dc2626", type: "dashed", width: 1.5 },
        data: [{ yAxis: result.threshold }],
      },
      markArea: {
        silent: true,
        itemStyle: { color: "rgba(220, 38, 38, 0.12)" },
        label: { show: true, position: "insideTop", color: "#b91c1c", fontSize: 11 },
        data: windows.map((w) => [
          { name: w.suppressed ? "suppressed" : "would fire", xAxis: w.from * 1000, itemStyle: w.suppressed ? { color: "rgba(100, 116, 139, 0.12)" } : undefined },
          { xAxis: Math.max(w.to, w.from) * 1000 },
        ]),
      },
    } : {}),
  }) as SeriesOption);
  return {
    color: PALETTE,
    animation: false,
    grid: { left: 8, right: 24, top: 40, bottom: 56, containLabel: true },
    legend: { type: "scroll", top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "time", axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: opts.units ?? undefined, scale: true, splitLine: { lineStyle: { color: "#e2e8f0" } } },
    dataZoom: [{ type: "inside", filterMode: "none" }, { type: "slider", height: 22, bottom: 8, filterMode: "none" }],
    series,
  };
}

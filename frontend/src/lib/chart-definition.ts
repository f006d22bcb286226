import type { Aggregation, Bucket, ChartDefinition, ChartType, DataPoint, Metric } from "@/api/types";
import type { ChartForm } from "./schemas";
import type { SignalChartSpec } from "./chart-options";

export const SIGNALS_SOURCE = { service: "signals", endpoint: "/api/v1/signals/query" } as const;

export const DEFAULT_CHART_FORM: ChartForm = {
  chartName: "", chartType: "line", loaderCode: "", aggregation: "avg", bucket: "5m", metrics: ["avgVal"], segments: [], units: "", title: "", isTemplate: false,
};

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A stored definition → the editor's fields (unknown parts stay in the definition, see below). */
export function definitionToForm(def: ChartDefinition): ChartForm {
  const params = def.dataSource?.params ?? {};
  const seg = params.segmentCode;
  const units = def.visualization?.units;
  return {
    chartName: def.chartName,
    chartType: (["line", "area", "bar", "pie", "scatter"].includes(def.chartType ?? "") ? def.chartType : "line") as ChartForm["chartType"],
    loaderCode: str(params.loaderCode),
    aggregation: ((params.aggregation as Aggregation) ?? "avg"),
    bucket: ((params.bucket as Bucket) ?? "5m"),
    metrics: (def.visualization?.yAxis?.length ? def.visualization.yAxis : ["avgVal"]) as Metric[],
    segments: Array.isArray(seg) ? seg.map(String) : typeof seg === "string" && seg ? [seg] : [],
    units: typeof units === "string" ? units : "",
    title: def.visualization?.title ?? "",
    isTemplate: !!def.isTemplate,
  };
}

/** The editor's fields → a definition, keeping what the form does not edit (parameters, tags, extends, thresholds, colors). */
export function formToDefinition(form: ChartForm, base?: ChartDefinition): ChartDefinition {
  const params: Record<string, unknown> = { ...(base?.dataSource?.params ?? {}), loaderCode: form.loaderCode, aggregation: form.aggregation };
  if (form.aggregation === "raw") delete params.bucket;
  else params.bucket = form.bucket;
  if (form.segments.length) params.segmentCode = form.segments;
  else delete params.segmentCode;
  const def: ChartDefinition = {
    ...(base ?? {}),
    chartName: form.chartName.trim(),
    chartType: form.chartType as ChartType,
    dataSource: { ...SIGNALS_SOURCE, ...(base?.dataSource ?? {}), params },
    visualization: {
      ...(base?.visualization ?? {}),
      xAxis: "timestamp",
      yAxis: form.metrics,
      title: form.title?.trim() || null,
      units: form.units?.trim() || null,
    },
    isTemplate: form.isTemplate,
  };
  delete def.message;
  return def;
}

/** A template made from a chart: the loader becomes the `${loaderCode}` parameter. */
export function toTemplate(def: ChartDefinition): ChartDefinition {
  const loader = str(def.dataSource?.params?.loaderCode);
  const parameters = [...(def.parameters ?? []).filter((p) => p.name !== "loaderCode"), { name: "loaderCode", label: "Loader", default: loader || null }];
  return {
    ...def,
    chartName: `${def.chartName} (template)`,
    isTemplate: true,
    parameters,
    extends: null,
    dataSource: { ...SIGNALS_SOURCE, ...(def.dataSource ?? {}), params: { ...(def.dataSource?.params ?? {}), loaderCode: "${loaderCode}" } },
  };
}

/** A resolved definition plus its data → what SignalChart draws. */
export function specFromDefinition(def: ChartDefinition | null | undefined, points: DataPoint[]): SignalChartSpec {
  const vis = def?.visualization;
  const metrics = (vis?.yAxis?.length ? vis.yAxis : ["avgVal"]) as Metric[];
  const units = typeof vis?.units === "string" ? vis.units : vis?.units ? vis.units[metrics[0]] ?? null : null;
  return {
    points,
    metrics,
    chartType: (def?.chartType ?? "line") as ChartType,
    title: vis?.title ?? undefined,
    units,
    colors: vis?.colors,
    thresholds: vis?.thresholds?.map((t) => ({ value: t.value, label: t.label ?? undefined, color: t.color ?? undefined })),
  };
}

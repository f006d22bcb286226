import { describe, expect, it } from "vitest";
import type { DataPoint } from "@/api/types";
import { buildSignalOption, groupSeries } from "@/lib/chart-options";
import { definitionToForm, formToDefinition, specFromDefinition, toTemplate, DEFAULT_CHART_FORM } from "@/lib/chart-definition";

const point = (t: number, seg: string | null, v: number): DataPoint => ({ timestamp: t, segmentCode: seg, recCount: 1, avgVal: v, sumVal: v * 2, minVal: v - 1, maxVal: v + 1 });

describe("signal chart option", () => {
  it("has a time axis, the units on the value axis, axis tooltips, a legend and zoom", () => {
    const option = buildSignalOption({ points: [point(20, null, 2), point(10, null, 1)], metrics: ["avgVal", "maxVal"], chartType: "line", units: "ms", slider: true });
    expect(option.xAxis).toMatchObject({ type: "time" });
    expect(option.yAxis).toMatchObject({ type: "value", name: "ms" });
    expect(option.tooltip).toMatchObject({ trigger: "axis" });
    expect(option.legend).toBeTruthy();
    expect((option.dataZoom as Array<{ type: string }>).map((z) => z.type)).toEqual(["inside", "slider"]);
    const series = option.series as Array<{ name: string; type: string; data: number[][] }>;
    expect(series.map((s) => s.name)).toEqual(["Average", "Maximum"]);
    // epoch seconds become milliseconds, sorted by time
    expect(series[0].data).toEqual([[10_000, 1], [20_000, 2]]);
    expect(series[1].data).toEqual([[10_000, 2], [20_000, 3]]);
    const format = (option.tooltip as { valueFormatter: (v: number) => string }).valueFormatter;
    expect(format(1234.5)).toMatch(/1.?234.5 ms/);
  });

  it("splits series by segment and metric", () => {
    const groups = groupSeries([point(1, "EU", 1), point(1, "US", 5), point(2, "EU", 2)], ["avgVal"]);
    expect([...groups.keys()]).toEqual(["EU · Average", "US · Average"]);
    expect(groups.get("EU · Average")).toEqual([[1000, 1], [2000, 2]]);
  });

  it("maps area and bar types, and draws thresholds as dashed lines", () => {
    const area = buildSignalOption({ points: [point(1, null, 1)], metrics: ["avgVal"], chartType: "area", thresholds: [{ value: 10, label: "SLO" }] });
    const s = (area.series as Array<Record<string, unknown>>)[0];
    expect(s.type).toBe("line");
    expect(s.areaStyle).toBeTruthy();
    expect((s.markLine as { data: Array<{ yAxis: number; name: string }> }).data[0]).toMatchObject({ yAxis: 10, name: "SLO" });
    const bar = buildSignalOption({ points: [point(1, null, 1)], metrics: ["recCount"], chartType: "bar" });
    expect((bar.series as Array<{ type: string }>)[0].type).toBe("bar");
  });

  it("sums a pie per segment", () => {
    const pie = buildSignalOption({ points: [point(1, "EU", 1), point(2, "EU", 2), point(1, "US", 5)], metrics: ["sumVal"], chartType: "pie" });
    expect((pie.series as Array<{ data: unknown[] }>)[0].data).toEqual([{ name: "EU", value: 6 }, { name: "US", value: 10 }]);
  });

  it("turns animation off for very large series", () => {
    const points = Array.from({ length: 6000 }, (_, i) => point(i, null, i));
    expect(buildSignalOption({ points, metrics: ["avgVal"], chartType: "line" }).animation).toBe(false);
  });
});

describe("chart definitions", () => {
  const form = { ...DEFAULT_CHART_FORM, chartName: " Orders ", loaderCode: "ORDERS", metrics: ["sumVal" as const], segments: ["EU"], units: "orders" };

  it("writes the seed's definition shape from the editor", () => {
    const def = formToDefinition(form);
    expect(def).toMatchObject({
      chartName: "Orders", chartType: "line",
      dataSource: { service: "signals", endpoint: "/api/v1/signals/query", params: { loaderCode: "ORDERS", aggregation: "avg", bucket: "5m", segmentCode: ["EU"] } },
      visualization: { xAxis: "timestamp", yAxis: ["sumVal"], units: "orders", title: null },
      isTemplate: false,
    });
  });

  it("drops the bucket for raw data and keeps what the editor does not show", () => {
    const base = formToDefinition(form);
    base.tags = ["sales"];
    base.visualization!.thresholds = [{ value: 3 }];
    const def = formToDefinition({ ...form, aggregation: "raw", segments: [] }, base);
    expect(def.dataSource!.params).toEqual({ loaderCode: "ORDERS", aggregation: "raw" });
    expect(def.tags).toEqual(["sales"]);
    expect(def.visualization!.thresholds).toEqual([{ value: 3 }]);
  });

  it("reads back what it wrote", () => {
    expect(definitionToForm(formToDefinition(form))).toEqual({ ...form, chartName: "Orders" });
  });

  it("makes a template with the loader as a parameter", () => {
    const t = toTemplate(formToDefinition(form));
    expect(t.isTemplate).toBe(true);
    expect(t.chartName).toBe("Orders (template)");
    expect(t.dataSource!.params.loaderCode).toBe("${loaderCode}");
    expect(t.parameters).toEqual([{ name: "loaderCode", label: "Loader", default: "ORDERS" }]);
  });

  it("renders a resolved definition with its units and type", () => {
    const spec = specFromDefinition({ ...formToDefinition(form), chartType: "bar", visualization: { yAxis: ["avgVal"], units: { avgVal: "ms" } } }, []);
    expect(spec).toMatchObject({ chartType: "bar", metrics: ["avgVal"], units: "ms" });
  });
});

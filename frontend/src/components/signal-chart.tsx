import { memo, useEffect, useMemo, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { buildSignalOption, type SignalChartSpec } from "@/lib/chart-options";
import { mark } from "@/lib/perf";

echarts.use([
  LineChart, BarChart, PieChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent,
  TitleComponent, MarkLineComponent, CanvasRenderer,
]);

interface Props extends SignalChartSpec {
  height?: number | string;
  /** Name used in performance marks (vigil:data:<id>, vigil:rendered:<id>). */
  perfId?: string;
}

/**
 * One time-series chart. The option comes from the shared mapping in lib/chart-options.
 * A thin wrapper of our own instead of echarts-for-react: one instance per chart (no temporary
 * instance at mount), a synchronous setOption so "rendered" is exact, and a ResizeObserver so
 * dashboard tiles follow drag and resize.
 */
export const SignalChart = memo(function SignalChart({ height = 360, perfId, ...spec }: Props) {
  const option = useMemo(() => buildSignalOption(spec), [spec.points, spec.metrics.join(), spec.chartType, spec.title, spec.units, spec.slider, spec.compact, JSON.stringify(spec.thresholds ?? []), (spec.colors ?? []).join()]); // eslint-disable-line react-hooks/exhaustive-deps
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const instance = echarts.init(element.current!, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => instance.resize());
    observer?.observe(element.current!);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    if (perfId) mark(`data:${perfId}`);
    // Not lazy: ECharts lays out and paints before setOption returns.
    instance.setOption(option, { notMerge: true });
    if (perfId) mark(`rendered:${perfId}`);
  }, [option, perfId]);

  return <div ref={element} data-testid="signal-chart" data-points={spec.points.length} style={{ height, width: "100%" }} />;
});

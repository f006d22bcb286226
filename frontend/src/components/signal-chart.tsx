import { memo, useEffect, useMemo, useRef } from "react";
import ReactEChartsCore from "echarts-for-react/lib/core";
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

/** One time-series chart: the option comes from the shared mapping in lib/chart-options. */
export const SignalChart = memo(function SignalChart({ height = 360, perfId, ...spec }: Props) {
  const option = useMemo(() => buildSignalOption(spec), [spec.points, spec.metrics.join(), spec.chartType, spec.title, spec.units, spec.slider, spec.compact, JSON.stringify(spec.thresholds ?? []), (spec.colors ?? []).join()]); // eslint-disable-line react-hooks/exhaustive-deps
  const pending = useRef(false);
  useEffect(() => {
    if (!perfId) return;
    pending.current = true;
    mark(`data:${perfId}`);
  }, [option, perfId]);
  const onEvents = useMemo(() => ({
    finished: () => {
      if (perfId && pending.current) {
        pending.current = false;
        mark(`rendered:${perfId}`);
      }
    },
  }), [perfId]);
  return (
    <div data-testid="signal-chart" data-points={spec.points.length} style={{ height, width: "100%" }}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        lazyUpdate
        onEvents={onEvents}
        style={{ height: "100%", width: "100%" }}
        opts={{ renderer: "canvas" }}
      />
    </div>
  );
});

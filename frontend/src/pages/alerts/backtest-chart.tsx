import { useMemo } from "react";
import ReactEChartsCore from "echarts-for-react/lib/core";
import * as echarts from "echarts/core";
import { LineChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { BacktestResult } from "@/api/alerts";
import { buildBacktestOption } from "./backtest-option";

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer]);

/** The rule's series over the backtest range, the threshold line and the shaded firing windows. */
export function BacktestChart({ result, units, height = 340 }: { result: BacktestResult; units?: string | null; height?: number }) {
  const option = useMemo(() => buildBacktestOption(result, { units }), [result, units]);
  return (
    <div data-testid="backtest-chart" data-firings={result.firings.length} style={{ height, width: "100%" }}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: "100%", width: "100%" }} opts={{ renderer: "canvas" }} />
    </div>
  );
}

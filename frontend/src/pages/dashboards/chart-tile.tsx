import { memo } from "react";
import { AlertTriangle } from "lucide-react";
import { useChartData } from "@/api/charts";
import { errorMessage } from "@/api/errors";
import type { ChartDefinition } from "@/api/types";
import { specFromDefinition } from "@/lib/chart-definition";
import { SignalChart } from "@/components/signal-chart";
import { Skeleton } from "@/components/ui/skeleton";

interface Props {
  chartId: string;
  title: string;
  definition?: ChartDefinition | null;
  resolveError?: string | null;
  from: number;
  to: number;
  variables?: Record<string, string>;
  refetchInterval?: number | false;
  actions?: React.ReactNode;
  perfId?: string;
}

/** One chart on a dashboard: the data comes from /charts/{id}/data, the look from its resolved definition. */
export const ChartTile = memo(function ChartTile({ chartId, title, definition, resolveError, from, to, variables, refetchInterval, actions, perfId }: Props) {
  const data = useChartData(chartId, from, to, { refetchInterval, variables });
  const units = typeof definition?.visualization?.units === "string" ? definition.visualization.units : null;
  return (
    <div className="flex h-full flex-col rounded-lg border bg-card shadow-sm" data-testid="chart-tile" data-chart-id={chartId}>
      <div className="flex items-center justify-between gap-2 border-b px-3 py-2">
        <div className="min-w-0">
          <p className="truncate text-sm font-semibold" title={title}>{title}</p>
          {definition && (
            <p className="truncate text-[11px] text-muted-foreground">
              {String(definition.dataSource?.params?.loaderCode ?? "")}{units ? ` · ${units}` : ""}{data.data?.sampled ? " · downsampled" : ""}
            </p>
          )}
        </div>
        {actions}
      </div>
      <div className="min-h-0 flex-1 p-2">
        {resolveError ? (
          <p className="flex h-full items-center justify-center gap-2 text-center text-xs text-destructive"><AlertTriangle className="h-4 w-4" /> {resolveError}</p>
        ) : data.isLoading ? <Skeleton className="h-full w-full" />
          : data.isError ? <p className="flex h-full items-center justify-center gap-2 px-4 text-center text-xs text-destructive"><AlertTriangle className="h-4 w-4 shrink-0" /> {errorMessage(data.error)}</p>
          : data.data && data.data.dataPoints.length === 0 ? <p className="flex h-full items-center justify-center text-xs text-muted-foreground">No signals in this range</p>
          : data.data && <SignalChart {...specFromDefinition(definition, data.data.dataPoints)} compact height="100%" perfId={perfId} />}
      </div>
    </div>
  );
});

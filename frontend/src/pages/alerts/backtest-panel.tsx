import { FlaskConical, Loader2 } from "lucide-react";
import type { BacktestResult } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import type { TimeRange } from "@/lib/time-range";
import { formatDateTime, formatNumber } from "@/lib/utils";
import { EmptyState } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { BacktestChart } from "./backtest-chart";
import { firingWindows } from "./backtest-option";

interface Props {
  range: TimeRange;
  onRange: (r: TimeRange) => void;
  onRun: () => void;
  running: boolean;
  result?: BacktestResult;
  error: unknown;
  units?: string | null;
  canRun: boolean;
}

/** "Test / backtest": the rule replayed over past data, without notifying anyone. */
export function BacktestPanel({ range, onRange, onRun, running, result, error, units, canRun }: Props) {
  const windows = result ? firingWindows(result) : [];
  return (
    <Card data-testid="backtest-panel">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3 space-y-0">
        <div className="space-y-1">
          <CardTitle>Backtest</CardTitle>
          <CardDescription>Replays the rule as written over past data; nothing is sent or stored.</CardDescription>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {canRun && <TimeRangePicker value={range} onChange={onRange} />}
          {canRun && (
            <Button type="button" size="sm" onClick={onRun} disabled={running}>
              {running ? <Loader2 className="animate-spin" /> : <FlaskConical />} Run backtest
            </Button>
          )}
        </div>
      </CardHeader>
      <CardContent className="space-y-3">
        {!!error && <Alert variant="destructive">{errorMessage(error)}</Alert>}
        {!result && !error && (
          <EmptyState icon={<FlaskConical className="h-6 w-6" />} title={canRun ? "Run a backtest" : "Backtests need the OPERATOR role"}
            description="See the chart with your threshold and the moments the rule would have fired." />
        )}
        {result && (
          <>
            <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="backtest-summary">
              {windows.length === 0
                ? <Badge variant="success">Would not have fired</Badge>
                : <Badge variant="destructive">Would have fired {windows.length} time{windows.length === 1 ? "" : "s"}</Badge>}
              <span className="text-muted-foreground">{result.timeline.length} points evaluated{result.threshold != null ? ` · threshold ${formatNumber(result.threshold)}` : ""}</span>
            </div>
            {result.timeline.length === 0
              ? <EmptyState title="No data in this range" description="Choose a longer range, or check that the chart's loader has signals." />
              : <BacktestChart result={result} units={units} />}
            {windows.length > 0 && (
              <table className="w-full text-sm" data-testid="firings">
                <thead><tr className="border-b text-left text-xs uppercase text-muted-foreground"><th className="py-1.5">From</th><th>To</th><th>Peak</th><th>Series</th></tr></thead>
                <tbody>
                  {windows.map((w, i) => (
                    <tr key={i} className="border-b last:border-0">
                      <td className="py-1.5">{formatDateTime(w.from)}</td>
                      <td>{result.firings[i].to == null ? <Badge variant="destructive">still firing</Badge> : formatDateTime(w.to)}</td>
                      <td>{formatNumber(w.peak)}</td>
                      <td className="text-xs text-muted-foreground">{w.seriesKey || "—"}{w.suppressed ? " (suppressed)" : ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}

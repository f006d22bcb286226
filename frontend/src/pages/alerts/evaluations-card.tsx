import { useEvaluations } from "@/api/alerts";
import { formatDateTime, formatNumber } from "@/lib/utils";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { StatusBadge } from "@/components/severity-badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

/** The rule's latest evaluations: what the evaluator saw and decided. */
export function EvaluationsCard({ ruleId }: { ruleId: string }) {
  const evals = useEvaluations(ruleId);
  return (
    <Card>
      <CardHeader><CardTitle>Recent evaluations</CardTitle></CardHeader>
      <CardContent>
        {evals.isLoading ? <LoadingState rows={2} /> : evals.isError ? <ErrorState error={evals.error} onRetry={() => evals.refetch()} />
          : !evals.data?.length ? <EmptyState title="Not evaluated yet" description="Active rules are evaluated on their interval." />
          : (
            <table className="w-full text-sm">
              <thead><tr className="border-b text-left text-xs uppercase text-muted-foreground"><th className="py-1.5">When</th><th>Series</th><th>State</th><th>Value</th><th>Action</th></tr></thead>
              <tbody>
                {evals.data.slice(0, 10).map((e, i) => (
                  <tr key={i} className="border-b last:border-0">
                    <td className="py-1.5 text-xs">{formatDateTime(e.evaluatedAt)}</td>
                    <td className="text-xs text-muted-foreground">{e.seriesKey || "—"}</td>
                    <td><StatusBadge status={e.state} /></td>
                    <td>{formatNumber(e.value)}</td>
                    <td className="text-xs">{e.action ?? "—"}{e.silenced ? " (silenced)" : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </CardContent>
    </Card>
  );
}

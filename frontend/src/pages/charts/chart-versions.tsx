import { useState } from "react";
import { RotateCcw } from "lucide-react";
import { useChartDiff, useChartVersions, useRollbackChart } from "@/api/charts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { ConfirmAction } from "@/components/confirm-button";
import { ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { cn } from "@/lib/utils";
import { DiffView } from "../dashboards/dashboard-history-page";

/** A chart's versions: pick one to see what changed since, roll back to it (OPERATOR). */
export function ChartVersions({ id, current }: { id: string; current: number }) {
  const versions = useChartVersions(id);
  const rollback = useRollbackChart();
  const canWrite = useCan("OPERATOR");
  const [picked, setPicked] = useState<number | null>(null);
  const diff = useChartDiff(id, picked, current);
  if (versions.isLoading) return <LoadingState rows={3} />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => versions.refetch()} />;
  const list = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  return (
    <div className="grid gap-4 lg:grid-cols-[280px_minmax(0,1fr)]">
      <ul className="divide-y rounded-md border text-sm">
        {list.map((v) => (
          <li key={v.version} className={cn("flex items-center gap-2 px-3 py-2", picked === v.version && "bg-primary/5")}>
            <button type="button" className="min-w-0 flex-1 text-left" onClick={() => setPicked(v.version)} aria-label={`Compare version ${v.version}`}>
              <p className="font-medium">v{v.version} {v.version === current && <Badge variant="success" className="ml-1">current</Badge>}</p>
              <p className="truncate text-xs text-muted-foreground">{formatDateTime(v.createdAt)} · {v.author ?? "—"}{v.message ? ` · ${v.message}` : ""}</p>
            </button>
            {canWrite && v.version !== current && (
              <ConfirmAction title={`Roll back to version ${v.version}?`} description="A new version equal to it is created; nothing is lost." confirmLabel="Roll back"
                onConfirm={() => rollback.mutate({ id, version: v.version }, {
                  onSuccess: (c) => { toast.success(`Rolled back: now version ${c.version}`); setPicked(null); },
                  onError: (e) => toast.error(errorMessage(e)),
                })}>
                <Button variant="ghost" size="icon" aria-label={`Roll back chart to version ${v.version}`}><RotateCcw /></Button>
              </ConfirmAction>
            )}
          </li>
        ))}
      </ul>
      <div>
        {picked === null || picked === current ? (
          <p className="text-sm text-muted-foreground">Pick an earlier version to see what changed since.</p>
        ) : diff.isLoading ? <LoadingState rows={2} /> : diff.isError ? <ErrorState error={diff.error} onRetry={() => diff.refetch()} />
          : diff.data && (
            <div className="space-y-2">
              <p className="text-sm font-medium">From v{picked} to v{current}</p>
              <DiffView changes={diff.data.changes} />
            </div>
          )}
      </div>
    </div>
  );
}

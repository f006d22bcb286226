import { useDeliveryLog } from "@/api/notifications";
import { formatDateTime } from "@/lib/utils";
import { StatusBadge } from "@/components/severity-badge";
import { ErrorState, LoadingState } from "@/components/states";

/** Who was told about an alert or an incident: its deliveries from the notification log. */
export function Deliveries({ subjectType, subjectId }: { subjectType: "alert" | "incident"; subjectId: string }) {
  const log = useDeliveryLog({ subjectType, subjectId }, 0, 20);
  if (log.isLoading) return <LoadingState rows={1} />;
  if (log.isError) return <ErrorState error={log.error} onRetry={() => log.refetch()} title="Could not load the deliveries" />;
  const items = log.data?.items ?? [];
  if (!items.length) return <p className="text-sm text-muted-foreground">Nobody has been notified (yet).</p>;
  return (
    <ul className="divide-y text-sm" data-testid="deliveries">
      {items.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center gap-2 py-1.5">
          <span className="text-xs font-medium uppercase">{d.channel}</span>
          <span className="min-w-0 flex-1 truncate">{d.recipient}</span>
          {d.level ? <span className="text-xs text-muted-foreground">level {d.level}</span> : null}
          <StatusBadge status={d.status} />
          <span className="w-full text-xs text-muted-foreground">
            {formatDateTime(d.createdAt)} · {d.template}{d.attempt > 1 ? ` · attempt ${d.attempt}` : ""}{d.error ? ` · ${d.error}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

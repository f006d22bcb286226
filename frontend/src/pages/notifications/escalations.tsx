import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { ChevronLeft, ChevronRight, Route } from "lucide-react";
import { useEscalations, usePolicies, type Escalation } from "@/api/notifications";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { StatusBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/input";

const STATUSES = ["PENDING", "RUNNING", "ACKNOWLEDGED", "RESOLVED", "SUPERSEDED", "NO_POLICY"];

/** The ladders climbed for alerts and incidents: which policy, how far, who stopped them. */
export function EscalationsPanel() {
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(0);
  const escalations = useEscalations(status, page);
  const policies = usePolicies();
  const policyName = useMemo(() => new Map((policies.data ?? []).map((p) => [p.id, p.name])), [policies.data]);
  const columns = useMemo<ColumnDef<Escalation, unknown>[]>(() => [
    { accessorKey: "createdAt", header: "Started", cell: ({ row }) => <span className="whitespace-nowrap text-xs">{formatDateTime(row.original.startedAt ?? row.original.createdAt)}</span> },
    { id: "subject", header: "For", accessorFn: (e) => e.subjectType, cell: ({ row }) => {
      const e = row.original;
      const to = e.subjectType === "incident" ? `/incidents/${e.subjectId}` : `/alerts/history?alert=${e.subjectId}`;
      return <Link to={to} className="text-primary hover:underline">{e.subjectType} {e.subjectId.slice(0, 8)}</Link>;
    } },
    { id: "policy", header: "Policy", accessorFn: (e) => e.policyId ?? "", cell: ({ row }) => row.original.policyId ? policyName.get(row.original.policyId) ?? row.original.policyId.slice(0, 8) : <span className="text-muted-foreground">none matched</span> },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { accessorKey: "steps", header: "Steps" },
    { accessorKey: "acknowledgedBy", header: "Stopped by", cell: ({ row }) => row.original.acknowledgedBy ?? "—" },
    { accessorKey: "stoppedAt", header: "Stopped", cell: ({ row }) => <span className="text-xs">{formatDateTime(row.original.stoppedAt)}</span> },
  ], [policyName]);
  const total = escalations.data?.total ?? 0;
  return (
    <Card>
      <div className="flex items-center gap-2 border-b p-3">
        <NativeSelect className="w-44" aria-label="Escalation status filter" value={status} onChange={(e) => { setStatus(e.target.value); setPage(0); }}>
          <option value="">All statuses</option>{STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </NativeSelect>
        <span className="ml-auto text-xs text-muted-foreground">Acknowledging an alert or incident stops its ladder.</span>
      </div>
      {escalations.isLoading ? <LoadingState label="Loading escalations…" /> : escalations.isError ? <ErrorState error={escalations.error} onRetry={() => escalations.refetch()} title="Could not load the escalations" /> : (
        <>
          <DataTable columns={columns} data={escalations.data?.items ?? []}
            empty={<EmptyState icon={<Route className="h-6 w-6" />} title="No escalations" description="A ladder starts when an alert fires or an incident opens." />} />
          {total > 50 && (
            <div className="flex items-center justify-end gap-2 border-t p-3 text-sm">
              <span className="text-muted-foreground">{page * 50 + 1}–{Math.min(total, (page + 1) * 50)} of {total}</span>
              <Button variant="outline" size="icon" aria-label="Previous page" disabled={page === 0} onClick={() => setPage(page - 1)}><ChevronLeft /></Button>
              <Button variant="outline" size="icon" aria-label="Next page" disabled={(page + 1) * 50 >= total} onClick={() => setPage(page + 1)}><ChevronRight /></Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

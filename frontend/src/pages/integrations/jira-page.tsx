import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { ChevronLeft, ChevronRight, ExternalLink, Link2, Loader2, RefreshCw, ScrollText } from "lucide-react";
import { useJiraMappings, useJiraSync, useJiraSyncLog, type Mapping, type SyncLogEntry } from "@/api/jira";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime, formatDuration } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { StatusBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { toast } from "@/components/ui/toast";
import { JiraConfigCard } from "./jira-config-card";

function syncToast(r: { attempted: number; synced: string[]; failed: Array<{ error: string }> }) {
  if (r.failed.length) toast.error(`${r.failed.length} of ${r.attempted} failed: ${r.failed[0].error}`);
  else toast.success(r.attempted ? `Synced ${r.synced.length} incident${r.synced.length === 1 ? "" : "s"} with Jira` : "Nothing was waiting to sync");
}

function MappingsPanel() {
  const [status, setStatus] = useState("");
  const mappings = useJiraMappings(status);
  const sync = useJiraSync();
  const canWrite = useCan("OPERATOR");
  const columns = useMemo<ColumnDef<Mapping, unknown>[]>(() => [
    { accessorKey: "incidentId", header: "Incident", cell: ({ row }) => <Link className="font-mono text-xs text-primary hover:underline" to={`/incidents/${row.original.incidentId}`}>{row.original.incidentId.slice(0, 8)}</Link> },
    { accessorKey: "jiraKey", header: "Jira issue", cell: ({ row }) => row.original.jiraKey ? (row.original.jiraUrl
      ? <a className="inline-flex items-center gap-1 text-primary hover:underline" href={row.original.jiraUrl} target="_blank" rel="noopener">{row.original.jiraKey}<ExternalLink className="h-3 w-3" /></a>
      : row.original.jiraKey) : <span className="text-muted-foreground">not created yet</span> },
    { accessorKey: "status", header: "Sync", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { accessorKey: "lastSyncedAt", header: "Last synced", cell: ({ row }) => <span className="text-xs">{formatDateTime(row.original.lastSyncedAt)}</span> },
    { accessorKey: "lastError", header: "Last error", cell: ({ row }) => <span className="text-xs text-destructive">{row.original.lastError ?? ""}</span> },
    { id: "actions", header: "", enableSorting: false, cell: ({ row }) => canWrite && (
      <Button size="sm" variant="ghost" aria-label={`Re-sync ${row.original.incidentId}`} disabled={sync.isPending}
        onClick={() => sync.mutate(row.original.incidentId, { onSuccess: syncToast, onError: (e) => toast.error(errorMessage(e)) })}><RefreshCw /> Re-sync</Button>
    ) },
  ], [canWrite, sync]);
  return (
    <Card>
      <div className="flex flex-wrap items-center gap-2 border-b p-3">
        <NativeSelect className="w-40" aria-label="Sync status filter" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option><option value="PENDING">Pending</option><option value="SYNCED">Synced</option><option value="FAILED">Failed</option>
        </NativeSelect>
        {canWrite && (
          <Button size="sm" variant="outline" className="ml-auto" disabled={sync.isPending}
            onClick={() => sync.mutate(undefined, { onSuccess: syncToast, onError: (e) => toast.error(errorMessage(e)) })}>
            {sync.isPending ? <Loader2 className="animate-spin" /> : <RefreshCw />} Re-sync everything pending
          </Button>
        )}
      </div>
      {mappings.isLoading ? <LoadingState label="Loading mappings…" /> : mappings.isError ? <ErrorState error={mappings.error} onRetry={() => mappings.refetch()} title="Could not load the mappings" /> : (
        <DataTable columns={columns} data={mappings.data?.items ?? []}
          empty={<EmptyState icon={<Link2 className="h-6 w-6" />} title="No incidents linked to Jira yet" description="Once Jira is configured, each new incident gets an issue." />} />
      )}
    </Card>
  );
}

function SyncLogPanel() {
  const [outcome, setOutcome] = useState("");
  const [page, setPage] = useState(0);
  const log = useJiraSyncLog(outcome, page);
  const columns = useMemo<ColumnDef<SyncLogEntry, unknown>[]>(() => [
    { accessorKey: "at", header: "When", cell: ({ row }) => <span className="whitespace-nowrap text-xs">{formatDateTime(row.original.at)}</span> },
    { accessorKey: "direction", header: "Dir.", cell: ({ row }) => <Badge variant={row.original.direction === "OUT" ? "default" : "secondary"}>{row.original.direction === "OUT" ? "to Jira" : "from Jira"}</Badge> },
    { accessorKey: "operation", header: "Operation", cell: ({ row }) => <span className="font-mono text-xs">{row.original.operation}</span> },
    { accessorKey: "jiraKey", header: "Issue", cell: ({ row }) => row.original.jiraKey ?? "—" },
    { id: "http", header: "HTTP", enableSorting: false, cell: ({ row }) => <span className="text-xs text-muted-foreground">{row.original.method ?? ""} {row.original.responseStatus ?? ""}</span> },
    { accessorKey: "attempt", header: "Attempt" },
    { accessorKey: "durationMs", header: "Took", cell: ({ row }) => <span className="text-xs">{formatDuration(row.original.durationMs)}</span> },
    { accessorKey: "outcome", header: "Outcome", cell: ({ row }) => <Badge variant={/ok|success|synced|accepted/i.test(row.original.outcome) ? "success" : /fail|error|reject/i.test(row.original.outcome) ? "destructive" : "secondary"}>{row.original.outcome}</Badge> },
    { accessorKey: "error", header: "Error", cell: ({ row }) => <span className="text-xs text-destructive">{row.original.error ?? ""}</span> },
  ], []);
  const total = log.data?.total ?? 0;
  return (
    <Card>
      <div className="flex items-center gap-2 border-b p-3">
        <Input className="w-56" placeholder="Outcome (e.g. failed)" aria-label="Outcome filter" value={outcome} onChange={(e) => { setOutcome(e.target.value); setPage(0); }} />
        <span className="ml-auto text-xs text-muted-foreground">Secrets are redacted from requests and responses.</span>
      </div>
      {log.isLoading ? <LoadingState label="Loading the sync log…" /> : log.isError ? <ErrorState error={log.error} onRetry={() => log.refetch()} title="Could not load the sync log" /> : (
        <>
          <DataTable columns={columns} data={log.data?.items ?? []}
            empty={<EmptyState icon={<ScrollText className="h-6 w-6" />} title="No calls to or from Jira yet" />} />
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

export default function JiraPage() {
  const isAdmin = useCan("ADMIN");
  const canSeeLog = useCan("OPERATOR");
  const [tab, setTab] = useState(isAdmin ? "config" : "mappings");
  return (
    <div>
      <PageHeader title="Jira integration" description="Incidents become Jira issues and stay in sync both ways." />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList className="mb-3">
          {isAdmin && <TabsTrigger value="config">Configuration</TabsTrigger>}
          <TabsTrigger value="mappings">Mappings</TabsTrigger>
          {canSeeLog && <TabsTrigger value="log">Sync log</TabsTrigger>}
        </TabsList>
        {isAdmin && <TabsContent value="config" className="mt-0"><JiraConfigCard /></TabsContent>}
        <TabsContent value="mappings" className="mt-0"><MappingsPanel /></TabsContent>
        {canSeeLog && <TabsContent value="log" className="mt-0"><SyncLogPanel /></TabsContent>}
      </Tabs>
    </div>
  );
}

import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { Plus, Search, ServerCog } from "lucide-react";
import { useLoaders } from "@/api/loaders";
import type { Loader } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { formatDateTime, formatDuration, formatInterval } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { EnabledBadge, matchesStatus, RunStatusBadge, type StatusFilter } from "./status";
import { LoaderActions } from "./loader-actions";

export default function LoadersPage() {
  const loaders = useLoaders();
  const canWrite = useCan("OPERATOR");
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("all");

  const columns = useMemo<ColumnDef<Loader, unknown>[]>(() => [
    {
      accessorKey: "loaderCode", header: "Code",
      cell: ({ row }) => <Link to={`/loaders/${row.original.loaderCode}`} className="font-mono text-[13px] font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>{row.original.loaderCode}</Link>,
    },
    { id: "source", header: "Source", accessorFn: (l) => l.sourceDatabaseName ?? l.sourceDatabaseId },
    { accessorKey: "intervalSeconds", header: "Schedule", cell: ({ row }) => formatInterval(row.original.intervalSeconds) },
    {
      id: "segments", header: "Segments", enableSorting: false,
      cell: ({ row }) => row.original.segments.length === 0
        ? <span className="text-muted-foreground">All</span>
        : <span className="text-xs">{row.original.segments.slice(0, 3).join(", ")}{row.original.segments.length > 3 ? ` +${row.original.segments.length - 3}` : ""}</span>,
    },
    { id: "status", header: "Status", accessorFn: (l) => (l.enabled ? 1 : 0), cell: ({ row }) => <EnabledBadge enabled={row.original.enabled} /> },
    {
      id: "lastRun", header: "Last run", accessorFn: (l) => l.lastRun?.startedAt ?? "",
      cell: ({ row }) => {
        const run = row.original.lastRun;
        return (
          <div className="flex items-center gap-2">
            <RunStatusBadge status={run?.status} />
            {run && <span className="text-xs text-muted-foreground">{formatDateTime(run.startedAt)} · {formatDuration(run.durationMs)}{run.rows != null ? ` · ${run.rows} rows` : ""}</span>}
          </div>
        );
      },
    },
    { id: "actions", header: "", enableSorting: false, cell: ({ row }) => <LoaderActions loader={row.original} compact /> },
  ], []);

  const rows = useMemo(() => (loaders.data ?? []).filter((l) => matchesStatus(l, status)), [loaders.data, status]);

  return (
    <div>
      <PageHeader
        title="Loaders"
        description="Scheduled SQL against your source databases, turned into time-series signals."
        actions={canWrite && <Button asChild><Link to="/loaders/new"><Plus /> New loader</Link></Button>}
      />
      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b p-3">
          <div className="relative w-72">
            <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
            <Input placeholder="Search by code or source…" className="pl-8" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search loaders" />
          </div>
          <NativeSelect className="w-44" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} aria-label="Status filter">
            <option value="all">All statuses</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
            <option value="failing">Last run failed</option>
          </NativeSelect>
          {loaders.data && <span className="ml-auto text-xs text-muted-foreground">{rows.length} of {loaders.data.length} loaders</span>}
        </div>
        {loaders.isLoading ? <LoadingState label="Loading loaders…" /> : loaders.isError ? (
          <ErrorState error={loaders.error} onRetry={() => loaders.refetch()} title="Could not load the loaders" />
        ) : (
          <DataTable
            columns={columns}
            data={rows}
            globalFilter={search}
            onRowClick={(l) => navigate(`/loaders/${l.loaderCode}`)}
            rowTestId={(l) => `loader-row-${l.loaderCode}`}
            empty={<EmptyState icon={<ServerCog className="h-6 w-6" />}
              title={search || status !== "all" ? "No loader matches these filters" : "No loaders yet"}
              description={search || status !== "all" ? undefined : "A loader runs a SELECT on a schedule and stores its rows as signals."}
              action={canWrite && !search && status === "all" ? <Button asChild><Link to="/loaders/new"><Plus /> New loader</Link></Button> : undefined} />}
          />
        )}
      </Card>
    </div>
  );
}

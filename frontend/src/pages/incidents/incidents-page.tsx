import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { ChevronLeft, ChevronRight, Download, Loader2, Plus, Search, Siren } from "lucide-react";
import { downloadCsv, useIncidents, type Incident, type IncidentFilters, type IncidentStatus } from "@/api/incidents";
import type { Severity } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { SeverityBadge, StatusBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { cn } from "@/lib/utils";
import { STATUS_ORDER } from "./lifecycle";
import { NewIncidentDialog } from "./new-incident-dialog";

const PAGE = 50;
const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "WARNING", "INFO"];

/** URL ⇄ filters, so a filtered list can be shared and survives a reload. */
export function filtersFromParams(p: URLSearchParams): IncidentFilters {
  return {
    q: p.get("q") ?? "",
    status: p.getAll("status") as IncidentStatus[],
    severity: p.getAll("severity") as Severity[],
    assignee: p.get("assignee") ?? "",
    loaderCode: p.get("loaderCode") ?? "",
    from: p.get("from") ?? "",
    to: p.get("to") ?? "",
  };
}

function Chips<T extends string>({ label, options, value, onChange }: { label: string; options: T[]; value: T[]; onChange: (v: T[]) => void }) {
  return (
    <div className="flex items-center gap-1" role="group" aria-label={label}>
      {options.map((o) => {
        const on = value.includes(o);
        return (
          <button key={o} type="button" aria-pressed={on} onClick={() => onChange(on ? value.filter((x) => x !== o) : [...value, o])}
            className={cn("rounded-full border px-2.5 py-1 text-xs font-medium transition-colors",
              on ? "border-primary bg-primary text-primary-foreground" : "bg-background text-muted-foreground hover:text-foreground")}>
            {o}
          </button>
        );
      })}
    </div>
  );
}

export default function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [page, setPage] = useState(0);
  const [q, setQ] = useState(filters.q ?? "");
  const [exporting, setExporting] = useState(false);
  const [creating, setCreating] = useState(false);
  const incidents = useIncidents(filters, page, PAGE);
  const canWrite = useCan("OPERATOR");
  const navigate = useNavigate();

  const update = (patch: Partial<Record<string, string | string[]>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      next.delete(k);
      if (Array.isArray(v)) v.forEach((x) => next.append(k, x));
      else if (v) next.set(k, v);
    }
    setParams(next, { replace: true });
    setPage(0);
  };
  // Full-text search as you type, without a request per key stroke.
  useEffect(() => {
    if (q === (filters.q ?? "")) return;
    const t = setTimeout(() => update({ q }), 350);
    return () => clearTimeout(t);
  }, [q]); // eslint-disable-line react-hooks/exhaustive-deps

  const columns = useMemo<ColumnDef<Incident, unknown>[]>(() => [
    { accessorKey: "number", header: "#", size: 60, cell: ({ row }) => <span className="font-mono text-xs text-muted-foreground">#{row.original.number}</span> },
    {
      accessorKey: "title", header: "Title",
      cell: ({ row }) => (
        <div className="min-w-0">
          <Link to={`/incidents/${row.original.id}`} className="font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>{row.original.title}</Link>
          {row.original.externalTicket && <Badge variant="outline" className="ml-2">{row.original.externalTicket.key}</Badge>}
        </div>
      ),
    },
    { id: "severity", header: "Severity", accessorFn: (i) => SEVERITIES.indexOf(i.severity), cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
    { id: "status", header: "Status", accessorFn: (i) => STATUS_ORDER.indexOf(i.status), cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { accessorKey: "assignee", header: "Assignee", cell: ({ row }) => row.original.assignee ?? <span className="text-muted-foreground">Unassigned</span> },
    { accessorKey: "loaderCode", header: "Loader", cell: ({ row }) => <span className="font-mono text-xs">{row.original.loaderCode ?? "—"}</span> },
    { accessorKey: "alertCount", header: "Alerts" },
    { accessorKey: "createdAt", header: "Opened", cell: ({ row }) => <span className="whitespace-nowrap text-xs text-muted-foreground">{formatDateTime(row.original.createdAt)}</span> },
  ], []);

  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadCsv(filters);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const total = incidents.data?.total ?? 0;
  const anyFilter = !!(filters.q || filters.status?.length || filters.severity?.length || filters.assignee || filters.loaderCode || filters.from || filters.to);
  return (
    <div>
      <PageHeader
        title="Incidents"
        description="Grouped alerts and hand-made incidents, from NEW to CLOSED."
        actions={<>
          <Button variant="outline" onClick={exportCsv} disabled={exporting}>{exporting ? <Loader2 className="animate-spin" /> : <Download />} Export CSV</Button>
          {canWrite && <Button onClick={() => setCreating(true)}><Plus /> New incident</Button>}
        </>}
      />
      <Card>
        <div className="space-y-2 border-b p-3">
          <div className="flex flex-wrap items-center gap-2">
            <div className="relative w-80">
              <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
              <Input placeholder="Search titles, descriptions and notes…" className="pl-8" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search incidents" />
            </div>
            <Input className="w-40" placeholder="Assignee" defaultValue={filters.assignee} aria-label="Assignee filter" onBlur={(e) => update({ assignee: e.target.value.trim() })}
              onKeyDown={(e) => { if (e.key === "Enter") update({ assignee: e.currentTarget.value.trim() }); }} />
            <Input className="w-40 font-mono text-[13px]" placeholder="Loader" defaultValue={filters.loaderCode} aria-label="Loader filter" onBlur={(e) => update({ loaderCode: e.target.value.trim() })}
              onKeyDown={(e) => { if (e.key === "Enter") update({ loaderCode: e.currentTarget.value.trim() }); }} />
            <label className="flex items-center gap-1 text-xs text-muted-foreground">From
              <Input type="date" className="w-36" value={filters.from?.slice(0, 10) ?? ""} aria-label="Opened from" onChange={(e) => update({ from: e.target.value ? `${e.target.value}T00:00:00Z` : "" })} />
            </label>
            <label className="flex items-center gap-1 text-xs text-muted-foreground">to
              <Input type="date" className="w-36" value={filters.to?.slice(0, 10) ?? ""} aria-label="Opened before" onChange={(e) => update({ to: e.target.value ? `${e.target.value}T23:59:59Z` : "" })} />
            </label>
          </div>
          <div className="flex flex-wrap items-center gap-4">
            <Chips label="Status filter" options={STATUS_ORDER} value={filters.status ?? []} onChange={(v) => update({ status: v })} />
            <Chips label="Severity filter" options={SEVERITIES} value={filters.severity ?? []} onChange={(v) => update({ severity: v })} />
            {anyFilter && <Button variant="link" size="sm" onClick={() => { setQ(""); setParams({}, { replace: true }); }}>Clear filters</Button>}
            {incidents.data && <span className="ml-auto text-xs text-muted-foreground">{total} incident{total === 1 ? "" : "s"}</span>}
          </div>
        </div>
        {incidents.isLoading ? <LoadingState label="Loading incidents…" /> : incidents.isError ? (
          <ErrorState error={incidents.error} onRetry={() => incidents.refetch()} title="Could not load the incidents" />
        ) : (
          <>
            <DataTable columns={columns} data={incidents.data?.items ?? []} onRowClick={(i) => navigate(`/incidents/${i.id}`)} rowTestId={(i) => `incident-row-${i.number}`}
              empty={<EmptyState icon={<Siren className="h-6 w-6" />} title={anyFilter ? "No incident matches these filters" : "No incidents"}
                description={anyFilter ? "Clear a filter or search for something else." : "Incidents open when alerts group up, or by hand."} />} />
            {total > PAGE && (
              <div className="flex items-center justify-end gap-2 border-t p-3 text-sm">
                <span className="text-muted-foreground">{page * PAGE + 1}–{Math.min(total, (page + 1) * PAGE)} of {total}</span>
                <Button variant="outline" size="icon" aria-label="Previous page" disabled={page === 0} onClick={() => setPage(page - 1)}><ChevronLeft /></Button>
                <Button variant="outline" size="icon" aria-label="Next page" disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)}><ChevronRight /></Button>
              </div>
            )}
          </>
        )}
      </Card>
      <NewIncidentDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}

import { Fragment, useState } from "react";
import { ChevronDown, ChevronLeft, ChevronRight, ChevronUp, ScrollText } from "lucide-react";
import { useAudit, type AuditEntry, type AuditFilters } from "@/api/admin";
import { fromLocalInput } from "@/lib/time-range";
import { formatDateTime } from "@/lib/utils";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const PAGE = 50;
const FIELDS: Array<{ key: keyof AuditFilters; label: string; placeholder: string }> = [
  { key: "actor", label: "Actor", placeholder: "username" },
  { key: "action", label: "Action", placeholder: "e.g. alert_rule.create" },
  { key: "entityType", label: "Entity type", placeholder: "e.g. incident" },
  { key: "entityId", label: "Entity id", placeholder: "id" },
];

/** Keys whose values differ between before and after (what a change changed). */
export function changedKeys(before: unknown, after: unknown): string[] {
  const b = before && typeof before === "object" ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === "object" ? (after as Record<string, unknown>) : {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).sort();
}

function Detail({ e }: { e: AuditEntry }) {
  return (
    <div className="grid gap-3 p-3 md:grid-cols-2">
      {(["before", "after"] as const).map((k) => (
        <div key={k}>
          <p className="mb-1 text-xs font-semibold uppercase text-muted-foreground">{k}</p>
          <pre className="max-h-64 overflow-auto rounded-md border bg-muted/40 p-2 font-mono text-xs">{e[k] == null ? "—" : JSON.stringify(e[k], null, 2)}</pre>
        </div>
      ))}
      <p className="text-xs text-muted-foreground md:col-span-2">Request {e.requestId ?? "—"} · from {e.clientIp ?? "—"}</p>
    </div>
  );
}

export default function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const audit = useAudit(filters, page, PAGE);
  const apply = () => {
    const iso = (v: string) => { const s = fromLocalInput(v); return s === null ? undefined : new Date(s * 1000).toISOString(); };
    setFilters(Object.fromEntries(Object.entries({ ...draft, since: iso(since), until: iso(until) }).filter(([, v]) => v)) as AuditFilters);
    setPage(0);
  };
  const total = audit.data?.total ?? 0;
  return (
    <div>
      <PageHeader title="Audit log" description="Every change anyone made: who, what, before and after, from which request." />
      <Card>
        <form className="flex flex-wrap items-end gap-2 border-b p-3" onSubmit={(e) => { e.preventDefault(); apply(); }}>
          {FIELDS.map((f) => (
            <label key={f.key} className="space-y-1 text-xs text-muted-foreground">{f.label}
              <Input className="w-40" placeholder={f.placeholder} aria-label={`${f.label} filter`} value={draft[f.key] ?? ""} onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value.trim() }))} />
            </label>
          ))}
          <label className="space-y-1 text-xs text-muted-foreground">Since<Input type="datetime-local" className="w-48" aria-label="Since" value={since} onChange={(e) => setSince(e.target.value)} /></label>
          <label className="space-y-1 text-xs text-muted-foreground">Until<Input type="datetime-local" className="w-48" aria-label="Until" value={until} onChange={(e) => setUntil(e.target.value)} /></label>
          <Button type="submit">Apply filters</Button>
          {audit.data && <span className="ml-auto text-xs text-muted-foreground">{total} entries</span>}
        </form>
        {audit.isLoading ? <LoadingState label="Loading the audit log…" /> : audit.isError ? <ErrorState error={audit.error} onRetry={() => audit.refetch()} title="Could not load the audit log" />
          : !audit.data?.items.length ? <EmptyState icon={<ScrollText className="h-6 w-6" />} title="No entries match" description="Loosen a filter or widen the time range." />
          : (
            <Table>
              <TableHeader><TableRow className="hover:bg-transparent"><TableHead>When</TableHead><TableHead>Actor</TableHead><TableHead>Action</TableHead><TableHead>Entity</TableHead><TableHead>Changed</TableHead><TableHead /></TableRow></TableHeader>
              <TableBody>
                {audit.data.items.map((e) => (
                  <Fragment key={e.id}>
                    <TableRow className="cursor-pointer" onClick={() => setOpen(open === e.id ? null : e.id)} data-testid="audit-row">
                      <TableCell className="whitespace-nowrap text-xs">{formatDateTime(e.at)}</TableCell>
                      <TableCell><span className="font-medium">{e.actor}</span>{e.actorRole && <Badge variant="secondary" className="ml-1.5">{e.actorRole}</Badge>}</TableCell>
                      <TableCell className="font-mono text-xs">{e.action}</TableCell>
                      <TableCell className="text-xs">{e.entityType}{e.entityId ? <span className="ml-1 font-mono text-muted-foreground">{e.entityId.slice(0, 12)}</span> : null}</TableCell>
                      <TableCell className="max-w-xs truncate text-xs text-muted-foreground">{changedKeys(e.before, e.after).slice(0, 6).join(", ") || "—"}</TableCell>
                      <TableCell>{open === e.id ? <ChevronUp className="h-4 w-4" /> : <ChevronDown className="h-4 w-4" />}</TableCell>
                    </TableRow>
                    {open === e.id && <TableRow className="hover:bg-transparent"><TableCell colSpan={6} className="bg-muted/20 p-0"><Detail e={e} /></TableCell></TableRow>}
                  </Fragment>
                ))}
              </TableBody>
            </Table>
          )}
        {total > PAGE && (
          <div className="flex items-center justify-end gap-2 border-t p-3 text-sm">
            <span className="text-muted-foreground">{page * PAGE + 1}–{Math.min(total, (page + 1) * PAGE)} of {total}</span>
            <Button variant="outline" size="icon" aria-label="Previous page" disabled={page === 0} onClick={() => setPage(page - 1)}><ChevronLeft /></Button>
            <Button variant="outline" size="icon" aria-label="Next page" disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)}><ChevronRight /></Button>
          </div>
        )}
      </Card>
    </div>
  );
}

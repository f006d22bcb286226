import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { RotateCcw } from "lucide-react";
import { useDashboard, useDashboardDiff, useDashboardVersions, useRollbackDashboard } from "@/api/dashboards";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { formatDateTime } from "@/lib/utils";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { cn } from "@/lib/utils";

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

const OP_STYLE: Record<string, string> = {
  added: "bg-success/10 text-success",
  removed: "bg-destructive/10 text-destructive",
  changed: "bg-warning/10 text-warning",
};

/** A diff path with chart ids replaced by the charts' names: charts.<id>.h → charts.“Orders”.h */
export function readablePath(path: string, names: Record<string, string>): string {
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (id) => (names[id] ? `“${names[id]}”` : id));
}

/** The structural diff `{path, op, from, to}` as a readable list. */
export function DiffView({ changes, names = {} }: { changes: Array<Record<string, unknown>>; names?: Record<string, string> }) {
  if (changes.length === 0) return <p className="text-sm text-muted-foreground">These two versions are identical.</p>;
  return (
    <ul className="divide-y rounded-md border" data-testid="diff">
      {changes.map((c, i) => {
        const op = String(c.op ?? "changed");
        return (
          <li key={i} className="grid grid-cols-[72px_minmax(0,1fr)_minmax(0,1.3fr)] items-start gap-3 px-3 py-2 text-sm">
            <span className={cn("w-fit rounded px-1.5 py-0.5 text-xs font-medium", OP_STYLE[op] ?? "bg-muted")}>{op}</span>
            <span className="break-all font-mono text-xs">{readablePath(show(c.path), names) || "(root)"}</span>
            <span className="break-words font-mono text-xs">
              {op !== "added" && <span className="text-destructive line-through decoration-destructive/40">{show(c.from)}</span>}
              {op === "changed" && <span className="mx-1.5 text-muted-foreground">→</span>}
              {op !== "removed" && <span className="text-success">{show(c.to)}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export default function DashboardHistoryPage() {
  const { id = "" } = useParams();
  const dashboard = useDashboard(id);
  const versions = useDashboardVersions(id);
  const rollback = useRollbackDashboard();
  const canWrite = useCan("OPERATOR");
  const setCrumb = useCrumbLabels((s) => s.set);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const diff = useDashboardDiff(id, from, to);

  useEffect(() => { if (dashboard.data) setCrumb(`/dashboards/${id}`, dashboard.data.name); }, [dashboard.data, id, setCrumb]);
  // Compare the two latest versions by default.
  useEffect(() => {
    const list = versions.data ?? [];
    if (list.length >= 2 && from === null && to === null) {
      const sorted = [...list].sort((a, b) => b.version - a.version);
      setFrom(sorted[1].version);
      setTo(sorted[0].version);
    }
  }, [versions.data, from, to]);

  if (versions.isLoading) return <LoadingState label="Loading history…" />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => versions.refetch()} title="Could not load the version history" />;
  const list = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  const current = dashboard.data?.version;
  const names = Object.fromEntries((dashboard.data?.resolvedCharts ?? []).filter((r) => r.chart?.chartName).map((r) => [r.chartId, r.chart!.chartName]));

  return (
    <div className="space-y-5">
      <PageHeader title={`History of ${dashboard.data?.name ?? "dashboard"}`} description="Every save is an immutable version. Rolling back creates a new version equal to the old one." />
      <Card>
        <CardHeader><CardTitle>Versions</CardTitle></CardHeader>
        <CardContent className="px-0 pb-2">
          {list.length === 0 ? <EmptyState title="No versions" /> : (
            <Table>
              <TableHeader><TableRow><TableHead>Version</TableHead><TableHead>Author</TableHead><TableHead>When</TableHead><TableHead>Message</TableHead><TableHead /></TableRow></TableHeader>
              <TableBody>
                {list.map((v) => (
                  <TableRow key={v.version} data-testid={`version-row-${v.version}`}>
                    <TableCell className="font-medium">v{v.version} {v.version === current && <Badge variant="success" className="ml-1">current</Badge>}</TableCell>
                    <TableCell>{v.author ?? "—"}</TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(v.createdAt)}</TableCell>
                    <TableCell>{v.message || <span className="text-muted-foreground">—</span>}</TableCell>
                    <TableCell className="text-right">
                      {canWrite && v.version !== current && (
                        <ConfirmAction title={`Roll back to version ${v.version}?`} description={`A new version is created with the content of version ${v.version}. Nothing is lost: you can roll forward the same way.`}
                          confirmLabel="Roll back"
                          onConfirm={() => rollback.mutate({ id, version: v.version }, {
                            onSuccess: (d) => { toast.success(`Rolled back: now version ${d.version}`); setFrom(null); setTo(null); },
                            onError: (e) => toast.error(errorMessage(e)),
                          })}>
                          <Button variant="outline" size="sm" aria-label={`Roll back to version ${v.version}`}><RotateCcw /> Roll back</Button>
                        </ConfirmAction>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader className="flex-row flex-wrap items-center gap-4 space-y-0">
          <CardTitle className="mr-auto">Compare versions</CardTitle>
          <div className="flex items-center gap-2">
            <Label htmlFor="diff-from">From</Label>
            <NativeSelect id="diff-from" className="w-28" value={from ?? ""} onChange={(e) => setFrom(Number(e.target.value))}>
              <option value="" disabled>—</option>
              {list.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
            </NativeSelect>
            <Label htmlFor="diff-to">To</Label>
            <NativeSelect id="diff-to" className="w-28" value={to ?? ""} onChange={(e) => setTo(Number(e.target.value))}>
              <option value="" disabled>—</option>
              {list.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
            </NativeSelect>
          </div>
        </CardHeader>
        <CardContent>
          {list.length < 2 ? <p className="text-sm text-muted-foreground">There is only one version so far.</p>
            : from === to ? <p className="text-sm text-muted-foreground">Pick two different versions.</p>
            : diff.isLoading ? <LoadingState rows={2} />
            : diff.isError ? <ErrorState error={diff.error} onRetry={() => diff.refetch()} />
            : diff.data && <DiffView changes={diff.data.changes} names={names} />}
        </CardContent>
      </Card>
    </div>
  );
}

import { useState } from "react";
import { Link } from "react-router-dom";
import { Copy, LayoutDashboard, Pencil, Plus, Search, Trash2 } from "lucide-react";
import { useDashboards, useDeleteDashboard, useDuplicateDashboard } from "@/api/dashboards";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { fromDashboardRange, rangeLabel } from "@/lib/time-range";
import { formatDateTime } from "@/lib/utils";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { ImportDialog } from "./import-dialog";

/** A small picture of the layout: the grid of a dashboard at a glance. */
function Thumbnail({ charts }: { charts: Array<{ x: number; y: number; w: number; h: number }> }) {
  const rows = Math.max(8, ...charts.map((c) => c.y + c.h));
  return (
    <div className="relative h-24 w-full overflow-hidden rounded-md border bg-muted/40">
      {charts.map((c, i) => (
        <div key={i} className="absolute rounded-sm border border-primary/30 bg-primary/10"
          style={{ left: `${(c.x / 12) * 100}%`, top: `${(c.y / rows) * 100}%`, width: `calc(${(c.w / 12) * 100}% - 3px)`, height: `calc(${(c.h / rows) * 100}% - 3px)`, margin: 1.5 }} />
      ))}
    </div>
  );
}

export default function DashboardsPage() {
  const dashboards = useDashboards();
  const canWrite = useCan("OPERATOR");
  const duplicate = useDuplicateDashboard();
  const remove = useDeleteDashboard();
  const [search, setSearch] = useState("");
  const shown = (dashboards.data ?? []).filter((d) => !search || `${d.name} ${d.definition.description ?? ""}`.toLowerCase().includes(search.toLowerCase()));

  return (
    <div>
      <PageHeader
        title="Dashboards"
        description="Charts composed on a grid with a shared time range. Every change is versioned."
        actions={canWrite && (
          <>
            <ImportDialog />
            <Button asChild><Link to="/dashboards/new"><Plus /> New dashboard</Link></Button>
          </>
        )}
      />
      <div className="mb-4 relative w-72">
        <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
        <Input placeholder="Search dashboards…" className="pl-8 bg-background" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search dashboards" />
      </div>
      {dashboards.isLoading ? <Card><LoadingState label="Loading dashboards…" /></Card>
        : dashboards.isError ? <Card><ErrorState error={dashboards.error} onRetry={() => dashboards.refetch()} title="Could not load the dashboards" /></Card>
        : shown.length === 0 ? (
          <Card><EmptyState icon={<LayoutDashboard className="h-6 w-6" />} title={search ? "No dashboard matches your search" : "No dashboards yet"}
            description={search ? undefined : "Put charts side by side with one time range, for operations and incident reviews."}
            action={canWrite && !search ? <Button asChild><Link to="/dashboards/new"><Plus /> New dashboard</Link></Button> : undefined} /></Card>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4">
            {shown.map((d) => (
              <Card key={d.id} className="flex flex-col transition-shadow hover:shadow-md" data-testid={`dashboard-card-${d.name}`}>
                <CardHeader>
                  <CardTitle><Link to={`/dashboards/${d.id}`} className="hover:text-primary hover:underline">{d.name}</Link></CardTitle>
                  <CardDescription className="line-clamp-2 min-h-[2.5rem]">{d.definition.description || "No description"}</CardDescription>
                </CardHeader>
                <CardContent className="flex flex-1 flex-col gap-3">
                  <Link to={`/dashboards/${d.id}`} aria-label={`Open ${d.name}`}><Thumbnail charts={d.definition.charts ?? []} /></Link>
                  <div className="flex flex-wrap gap-1.5 text-xs">
                    <Badge variant="secondary">{d.definition.charts?.length ?? 0} charts</Badge>
                    <Badge variant="secondary">{rangeLabel(fromDashboardRange(d.definition.timeRange))}</Badge>
                    <Badge variant="outline">v{d.version}</Badge>
                  </div>
                  <p className="text-xs text-muted-foreground">Updated {formatDateTime(d.updatedAt)}{d.updatedBy ? ` by ${d.updatedBy}` : ""}</p>
                  {canWrite && (
                    <div className="mt-auto flex gap-1 border-t pt-3">
                      <Button variant="ghost" size="sm" asChild><Link to={`/dashboards/${d.id}/edit`}><Pencil /> Edit</Link></Button>
                      <Button variant="ghost" size="sm" onClick={() => duplicate.mutate(d.id, { onSuccess: (c) => toast.success(`Created “${c.name}”`), onError: (e) => toast.error(errorMessage(e)) })}><Copy /> Duplicate</Button>
                      <ConfirmAction title={`Delete dashboard “${d.name}”?`} description="The dashboard and its version history are removed. Its charts are kept."
                        onConfirm={() => remove.mutate(d.id, { onSuccess: () => toast.success("Dashboard deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
                        <Button variant="ghost" size="sm" className="ml-auto text-destructive hover:text-destructive"><Trash2 /> Delete</Button>
                      </ConfirmAction>
                    </div>
                  )}
                </CardContent>
              </Card>
            ))}
          </div>
        )}
    </div>
  );
}

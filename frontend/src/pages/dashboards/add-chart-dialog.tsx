import { useState } from "react";
import { Link } from "react-router-dom";
import { Plus, Search } from "lucide-react";
import { useCharts } from "@/api/charts";
import type { Chart } from "@/api/types";
import { metricLabel } from "@/lib/chart-options";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";

/** Pick a chart definition from the library to place on the dashboard. */
export function AddChartDialog({ onAdd }: { onAdd: (chart: Chart) => void }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const charts = useCharts(q);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild><Button variant="outline"><Plus /> Add chart</Button></DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Add a chart</DialogTitle>
          <DialogDescription>Charts are shared definitions: changing one updates every dashboard that shows it.</DialogDescription>
        </DialogHeader>
        <div className="relative">
          <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
          <Input className="pl-8" placeholder="Search charts…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search charts to add" />
        </div>
        <div className="max-h-96 overflow-y-auto rounded-md border">
          {charts.isLoading ? <LoadingState rows={3} /> : charts.isError ? <ErrorState error={charts.error} onRetry={() => charts.refetch()} />
            : (charts.data ?? []).length === 0 ? <EmptyState title="No charts found" action={<Link to="/charts/new" className="text-sm font-medium text-primary hover:underline">Create a chart</Link>} />
            : (charts.data ?? []).map((c) => (
              <button key={c.id} type="button" onClick={() => { onAdd(c); setOpen(false); }}
                className="flex w-full items-center justify-between gap-3 border-b px-4 py-3 text-left last:border-0 hover:bg-accent" aria-label={`Add ${c.definition.chartName}`}>
                <div className="min-w-0">
                  <p className="truncate font-medium">{c.definition.chartName}</p>
                  <p className="truncate text-xs text-muted-foreground">
                    {c.definition.chartType ?? "inherited"} · {String(c.definition.dataSource?.params?.loaderCode ?? "—")} · {(c.definition.visualization?.yAxis ?? []).map(metricLabel).join(", ")}
                  </p>
                </div>
                {c.definition.isTemplate && <Badge variant="warning">Template</Badge>}
                <Plus className="h-4 w-4 shrink-0 text-muted-foreground" />
              </button>
            ))}
        </div>
      </DialogContent>
    </Dialog>
  );
}

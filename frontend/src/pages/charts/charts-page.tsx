import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { Copy, PieChart, Plus, Search, Trash2 } from "lucide-react";
import { useCharts, useDeleteChart, useDuplicateChart } from "@/api/charts";
import { errorMessage } from "@/api/errors";
import type { Chart } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { metricLabel } from "@/lib/chart-options";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

export default function ChartsPage() {
  const [search, setSearch] = useState("");
  const charts = useCharts(search);
  const canWrite = useCan("OPERATOR");
  const navigate = useNavigate();
  const duplicate = useDuplicateChart();
  const remove = useDeleteChart();

  const columns = useMemo<ColumnDef<Chart, unknown>[]>(() => [
    {
      id: "name", header: "Name", accessorFn: (c) => c.definition.chartName,
      cell: ({ row }) => (
        <div className="flex items-center gap-2">
          <Link to={`/charts/${row.original.id}`} className="font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>{row.original.definition.chartName}</Link>
          {row.original.definition.isTemplate && <Badge variant="warning">Template</Badge>}
          {row.original.parentId && <Badge variant="secondary">Extends</Badge>}
        </div>
      ),
    },
    { id: "type", header: "Type", accessorFn: (c) => c.definition.chartType ?? "inherited", cell: ({ getValue }) => <span className="capitalize">{getValue() as string}</span> },
    { id: "loader", header: "Loader", accessorFn: (c) => String(c.definition.dataSource?.params?.loaderCode ?? "—"), cell: ({ getValue }) => <span className="font-mono text-xs">{getValue() as string}</span> },
    { id: "metrics", header: "Metrics", enableSorting: false, cell: ({ row }) => (row.original.definition.visualization?.yAxis ?? []).map(metricLabel).join(", ") || "—" },
    { accessorKey: "version", header: "Version", cell: ({ row }) => `v${row.original.version}` },
    { id: "updated", header: "Updated", accessorFn: (c) => c.updatedAt ?? "", cell: ({ row }) => <span className="text-xs text-muted-foreground">{formatDateTime(row.original.updatedAt)}{row.original.updatedBy ? ` by ${row.original.updatedBy}` : ""}</span> },
    {
      id: "actions", header: "", enableSorting: false,
      cell: ({ row }) => canWrite && (
        <div className="flex justify-end gap-1" onClick={(e) => e.stopPropagation()}>
          <Button variant="ghost" size="icon" aria-label={`Duplicate ${row.original.definition.chartName}`} onClick={() => duplicate.mutate(row.original.id, {
            onSuccess: (c) => toast.success(`Created “${c.definition.chartName}”`), onError: (e) => toast.error(errorMessage(e)),
          })}><Copy /></Button>
          <ConfirmAction title={`Delete chart “${row.original.definition.chartName}”?`} description="Charts used by a dashboard or an alert rule cannot be deleted; you will be told which ones."
            onConfirm={() => remove.mutate(row.original.id, { onSuccess: () => toast.success("Chart deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
            <Button variant="ghost" size="icon" aria-label={`Delete ${row.original.definition.chartName}`}><Trash2 className="text-destructive" /></Button>
          </ConfirmAction>
        </div>
      ),
    },
  ], [canWrite]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div>
      <PageHeader
        title="Charts"
        description="Chart definitions: reusable by dashboards, alert rules and RCA reports."
        actions={canWrite && <Button asChild><Link to="/charts/new"><Plus /> New chart</Link></Button>}
      />
      <Card>
        <div className="flex items-center gap-2 border-b p-3">
          <div className="relative w-72">
            <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
            <Input placeholder="Search charts…" className="pl-8" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search charts" />
          </div>
        </div>
        {charts.isLoading ? <LoadingState label="Loading charts…" /> : charts.isError ? (
          <ErrorState error={charts.error} onRetry={() => charts.refetch()} title="Could not load the charts" />
        ) : (
          <DataTable columns={columns} data={charts.data ?? []} onRowClick={(c) => navigate(`/charts/${c.id}`)} rowTestId={(c) => `chart-row-${c.definition.chartName}`}
            empty={<EmptyState icon={<PieChart className="h-6 w-6" />} title={search ? "No chart matches your search" : "No charts yet"}
              description={search ? undefined : "A chart is a definition over a loader's signals: build one and put it on dashboards."}
              action={canWrite && !search ? <Button asChild><Link to="/charts/new"><Plus /> New chart</Link></Button> : undefined} />} />
        )}
      </Card>
    </div>
  );
}

import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { BellRing, CheckCheck, ChevronLeft, ChevronRight, Loader2 } from "lucide-react";
import { useAcknowledge, useAlert, useAlertHistory, useRules, type Alert, type HistoryFilters } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { resolveRange, type TimeRange } from "@/lib/time-range";
import { formatDateTime, formatNumber } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { SeverityBadge, StatusBadge } from "@/components/severity-badge";
import { Sheet } from "@/components/sheet";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { SEVERITIES } from "./rule-form";
import { Deliveries } from "@/pages/notifications/deliveries-card";

const PAGE = 50;

function AckButton({ alert, size = "sm" }: { alert: Alert; size?: "sm" | "default" }) {
  const ack = useAcknowledge();
  if (alert.acknowledgedBy) return <Badge variant="success"><CheckCheck /> {alert.acknowledgedBy}</Badge>;
  return (
    <Button size={size} variant="outline" disabled={ack.isPending} aria-label={`Acknowledge ${alert.ruleName}`}
      onClick={(e) => {
        e.stopPropagation();
        ack.mutate(alert.alertId, { onSuccess: () => toast.success("Alert acknowledged: escalation stopped"), onError: (err) => toast.error(errorMessage(err)) });
      }}>
      {ack.isPending ? <Loader2 className="animate-spin" /> : <CheckCheck />} Acknowledge
    </Button>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[140px_1fr] gap-2 border-b py-2 text-sm last:border-0">
      <dt className="text-muted-foreground">{label}</dt><dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

/** The full event of one alert, with acknowledge. */
export function AlertDrawer({ alertId, onClose }: { alertId: string | null; onClose: () => void }) {
  const alert = useAlert(alertId);
  const canAck = useCan("OPERATOR");
  const a = alert.data;
  return (
    <Sheet open={!!alertId} onOpenChange={(o) => !o && onClose()} title={a ? a.ruleName : "Alert"}
      description={a ? `Triggered ${formatDateTime(a.triggeredAt)}` : undefined}
      footer={a && canAck && a.status === "FIRING" ? <AckButton alert={a} size="default" /> : undefined}>
      {alert.isLoading ? <LoadingState rows={5} /> : alert.isError ? <ErrorState error={alert.error} onRetry={() => alert.refetch()} /> : a && (
        <div className="space-y-4" data-testid="alert-detail">
          <div className="flex flex-wrap gap-2"><SeverityBadge severity={a.severity} /><StatusBadge status={a.status} /></div>
          <dl>
            <Row label="Rule"><Link className="text-primary hover:underline" to={`/alerts/rules/${a.ruleId}`}>{a.ruleName}</Link></Row>
            <Row label="Loader"><span className="font-mono text-xs">{a.loaderCode}</span>{a.segmentCode ? ` · ${a.segmentCode}` : ""}</Row>
            <Row label="Value">{formatNumber(a.currentValue)} (threshold {formatNumber(a.threshold)})</Row>
            <Row label="Triggered">{formatDateTime(a.triggeredAt)}</Row>
            <Row label="Resolved">{formatDateTime(a.resolvedAt)}</Row>
            <Row label="Acknowledged">{a.acknowledgedBy ? `${a.acknowledgedBy}, ${formatDateTime(a.acknowledgedAt)}` : "Not yet"}</Row>
            <Row label="Labels">{Object.entries(a.labels).map(([k, v]) => <Badge key={k} variant="outline" className="mr-1">{k}={v}</Badge>)}{!Object.keys(a.labels).length && "—"}</Row>
            {a.chartId && <Row label="Chart"><Link className="text-primary hover:underline" to={`/charts/${a.chartId}`}>Open the chart</Link></Row>}
          </dl>
          <div>
            <p className="mb-1.5 text-sm font-medium">Notifications</p>
            <Deliveries subjectType="alert" subjectId={a.alertId} />
          </div>
          <div>
            <p className="mb-1.5 text-sm font-medium">Event</p>
            <pre className="max-h-80 overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs" data-testid="alert-payload">{JSON.stringify(a.payload ?? {}, null, 2)}</pre>
          </div>
        </div>
      )}
    </Sheet>
  );
}

export default function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const rules = useRules();
  const [range, setRange] = useState<TimeRange>({ preset: "7d" });
  const [page, setPage] = useState(0);
  const [loader, setLoader] = useState("");
  const filters: HistoryFilters = useMemo(() => {
    const { from, to } = resolveRange(range);
    return {
      ruleId: params.get("ruleId") || undefined,
      severity: (params.get("severity") || undefined) as HistoryFilters["severity"],
      status: (params.get("status") || undefined) as HistoryFilters["status"],
      loaderCode: params.get("loaderCode") || undefined,
      // Presets end "now": round to the minute so the query key (and the cache) stays put.
      fromEpoch: range.preset === "custom" ? from : Math.floor(from / 60) * 60,
      toEpoch: range.preset === "custom" ? to : undefined,
      page, size: PAGE,
    };
  }, [params, range, page]);
  const history = useAlertHistory(filters, 30_000);
  const selected = params.get("alert");
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
    if (key !== "alert") setPage(0);
  };
  const canAck = useCan("OPERATOR");

  const columns = useMemo<ColumnDef<Alert, unknown>[]>(() => [
    { id: "triggered", header: "Triggered", accessorFn: (a) => a.triggeredAt, cell: ({ row }) => <span className="whitespace-nowrap text-xs">{formatDateTime(row.original.triggeredAt)}</span> },
    { accessorKey: "ruleName", header: "Rule", cell: ({ row }) => <span className="font-medium">{row.original.ruleName}</span> },
    { accessorKey: "severity", header: "Severity", cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { accessorKey: "loaderCode", header: "Loader", cell: ({ row }) => <span className="font-mono text-xs">{row.original.loaderCode}{row.original.segmentCode ? ` · ${row.original.segmentCode}` : ""}</span> },
    { id: "value", header: "Value", accessorFn: (a) => a.currentValue, cell: ({ row }) => <span>{formatNumber(row.original.currentValue)} <span className="text-xs text-muted-foreground">/ {formatNumber(row.original.threshold)}</span></span> },
    {
      id: "ack", header: "Acknowledged", accessorFn: (a) => a.acknowledgedBy ?? "",
      cell: ({ row }) => row.original.acknowledgedBy ? <Badge variant="success"><CheckCheck /> {row.original.acknowledgedBy}</Badge>
        : canAck && row.original.status === "FIRING" ? <AckButton alert={row.original} /> : <span className="text-xs text-muted-foreground">—</span>,
    },
  ], [canAck]);

  const total = history.data?.total ?? 0;
  const filtered = filters.ruleId || filters.severity || filters.status || filters.loaderCode;
  return (
    <div>
      <PageHeader title="Alert history" description="Every alert fired, newest first. Open one to see its full event; acknowledge to stop its escalation." />
      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b p-3">
          <NativeSelect className="w-56" value={filters.ruleId ?? ""} onChange={(e) => setParam("ruleId", e.target.value)} aria-label="Rule filter">
            <option value="">All rules</option>
            {(rules.data ?? []).map((r) => <option key={r.id} value={r.id}>{r.definition.ruleName}</option>)}
          </NativeSelect>
          <NativeSelect className="w-36" value={filters.severity ?? ""} onChange={(e) => setParam("severity", e.target.value)} aria-label="Severity filter">
            <option value="">All severities</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </NativeSelect>
          <NativeSelect className="w-36" value={filters.status ?? ""} onChange={(e) => setParam("status", e.target.value)} aria-label="Status filter">
            <option value="">All statuses</option><option value="FIRING">Firing</option><option value="RESOLVED">Resolved</option>
          </NativeSelect>
          <Input className="w-44 font-mono text-[13px]" placeholder="Loader code" value={loader} aria-label="Loader filter"
            onChange={(e) => setLoader(e.target.value.toUpperCase())} onBlur={() => setParam("loaderCode", loader.trim())}
            onKeyDown={(e) => { if (e.key === "Enter") setParam("loaderCode", loader.trim()); }} />
          <div className="ml-auto"><TimeRangePicker value={range} onChange={(r) => { setRange(r); setPage(0); }} /></div>
        </div>
        {history.isLoading ? <LoadingState label="Loading alert history…" /> : history.isError ? (
          <ErrorState error={history.error} onRetry={() => history.refetch()} title="Could not load the alert history" />
        ) : (
          <>
            <DataTable columns={columns} data={history.data?.items ?? []} onRowClick={(a) => setParam("alert", a.alertId)} rowTestId={(a) => `alert-row-${a.ruleName}`}
              empty={<EmptyState icon={<BellRing className="h-6 w-6" />} title={filtered ? "No alert matches these filters" : "No alerts in this time range"}
                description={filtered ? "Clear a filter or widen the time range." : "Quiet is good. Alerts appear here when a rule fires."} />} />
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
      <AlertDrawer alertId={selected} onClose={() => setParam("alert", "")} />
    </div>
  );
}

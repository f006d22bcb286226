import { useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { ChevronLeft, ChevronRight, Mail, Send } from "lucide-react";
import { useCan } from "@/lib/auth-store";
import { SendDialog } from "./send-dialog";
import { CHANNELS, useDeliveryLog, type DeliveryStatus, type LogEntry, type LogFilters } from "@/api/notifications";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { StatusBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";

const PAGE = 50;
const timeOf = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const STATUSES: DeliveryStatus[] = ["queued", "sent", "delivered", "failed"];

/** Every delivery attempt: what was sent to whom, through which provider, and what came of it. */
export function DeliveryLogPanel() {
  const [filters, setFilters] = useState<LogFilters>({});
  const [recipient, setRecipient] = useState("");
  const [page, setPage] = useState(0);
  const log = useDeliveryLog(filters, page, PAGE);
  const canSend = useCan("OPERATOR");
  const [sending, setSending] = useState(false);
  const set = (patch: LogFilters) => { setFilters((f) => ({ ...f, ...patch })); setPage(0); };
  const columns = useMemo<ColumnDef<LogEntry, unknown>[]>(() => [
    { accessorKey: "createdAt", header: "When", cell: ({ row }) => <span className="whitespace-nowrap text-xs">{formatDateTime(row.original.createdAt)}</span> },
    { accessorKey: "channel", header: "Channel", cell: ({ row }) => <span className="whitespace-nowrap text-xs"><span className="font-medium uppercase">{row.original.channel}</span> <span className="text-muted-foreground">· {row.original.provider}</span></span> },
    { accessorKey: "recipient", header: "Recipient", cell: ({ row }) => <span className="break-all text-sm">{row.original.recipient}</span> },
    { accessorKey: "template", header: "Template", cell: ({ row }) => <span className="whitespace-nowrap font-mono text-xs">{row.original.template}</span> },
    { id: "subject", header: "About", accessorFn: (e) => e.subjectType ?? "", cell: ({ row }) => (
      <span className="whitespace-nowrap text-xs text-muted-foreground">
        {row.original.subjectType ? `${row.original.subjectType} ${row.original.subjectId?.slice(0, 8) ?? ""}` : "manual"}{row.original.level ? ` · L${row.original.level}` : ""}
      </span>
    ) },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { accessorKey: "attempt", header: "Attempt" },
    { id: "outcome", header: "Error / delivered", enableSorting: false, cell: ({ row }) => {
      const e = row.original;
      if (e.error) return <span className="text-xs text-destructive">{e.error}</span>;
      const at = e.deliveredAt ?? e.sentAt;
      return <span className="whitespace-nowrap text-xs text-muted-foreground" title={formatDateTime(at)}>{at ? `${e.deliveredAt ? "delivered" : "sent"} ${timeOf(at)}` : "—"}</span>;
    } },
  ], []);
  const total = log.data?.total ?? 0;
  const filtered = Object.values(filters).some(Boolean);
  return (
    <Card>
      <div className="flex flex-wrap items-center gap-2 border-b p-3">
        <NativeSelect className="w-36" aria-label="Channel filter" value={filters.channel ?? ""} onChange={(e) => set({ channel: (e.target.value || undefined) as LogFilters["channel"] })}>
          <option value="">All channels</option>{CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
        </NativeSelect>
        <NativeSelect className="w-36" aria-label="Delivery status filter" value={filters.status ?? ""} onChange={(e) => set({ status: (e.target.value || undefined) as DeliveryStatus })}>
          <option value="">All statuses</option>{STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </NativeSelect>
        <Input className="w-64" placeholder="Recipient" aria-label="Recipient filter" value={recipient} onChange={(e) => setRecipient(e.target.value)}
          onBlur={() => set({ recipient: recipient.trim() || undefined })} onKeyDown={(e) => { if (e.key === "Enter") set({ recipient: recipient.trim() || undefined }); }} />
        {log.data && <span className="ml-auto text-xs text-muted-foreground">{total} deliveries</span>}
        {canSend && <Button size="sm" variant="outline" onClick={() => setSending(true)}><Send /> Send a notification</Button>}
      </div>
      <SendDialog open={sending} onOpenChange={setSending} />
      {log.isLoading ? <LoadingState label="Loading the delivery log…" /> : log.isError ? <ErrorState error={log.error} onRetry={() => log.refetch()} title="Could not load the delivery log" /> : (
        <>
          <DataTable columns={columns} data={log.data?.items ?? []}
            empty={<EmptyState icon={<Mail className="h-6 w-6" />} title={filtered ? "No delivery matches these filters" : "Nothing sent yet"} description={filtered ? undefined : "Notifications appear here with every attempt."} />} />
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
  );
}

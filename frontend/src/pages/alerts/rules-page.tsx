import { useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import type { ColumnDef } from "@tanstack/react-table";
import { BellOff, BellRing, Pause, Play, Plus, Search, Trash2 } from "lucide-react";
import { useDeleteRule, useRules, useRuleStatus, type Rule, type RuleFilters } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { ConfirmAction } from "@/components/confirm-button";
import { SeverityBadge, StatusBadge } from "@/components/severity-badge";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { toast } from "@/components/ui/toast";
import { describeRule, SEVERITIES } from "./rule-form";
import { SilencesPanel, SilenceDialog } from "./silences";

function RuleActions({ rule }: { rule: Rule }) {
  const status = useRuleStatus();
  const remove = useDeleteRule();
  const [silencing, setSilencing] = useState(false);
  const name = rule.definition.ruleName;
  const paused = rule.status === "PAUSED";
  return (
    <div className="flex justify-end gap-1" onClick={(e) => e.stopPropagation()}>
      <Button variant="ghost" size="icon" aria-label={`${paused ? "Resume" : "Pause"} ${name}`} title={paused ? "Resume" : "Pause"}
        onClick={() => status.mutate({ id: rule.id, status: paused ? "ACTIVE" : "PAUSED" }, {
          onSuccess: () => toast.success(`Rule “${name}” ${paused ? "resumed" : "paused"}`), onError: (e) => toast.error(errorMessage(e)),
        })}>
        {paused ? <Play /> : <Pause />}
      </Button>
      <Button variant="ghost" size="icon" aria-label={`Silence ${name}`} title="Silence" onClick={() => setSilencing(true)}><BellOff /></Button>
      <ConfirmAction title={`Delete rule “${name}”?`} description="The rule and its alert history are deleted. Open incidents keep their alerts."
        onConfirm={() => remove.mutate(rule.id, { onSuccess: () => toast.success("Rule deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
        <Button variant="ghost" size="icon" aria-label={`Delete ${name}`} title="Delete"><Trash2 className="text-destructive" /></Button>
      </ConfirmAction>
      <SilenceDialog open={silencing} onOpenChange={setSilencing} rule={rule} />
    </div>
  );
}

export default function RulesPage() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<RuleFilters["status"] | "">("");
  const [severity, setSeverity] = useState<RuleFilters["severity"] | "">("");
  const rules = useRules({ status: status || undefined, severity: severity || undefined });
  const canWrite = useCan("OPERATOR");
  const navigate = useNavigate();
  const tab = params.get("tab") === "silences" ? "silences" : "rules";

  const columns = useMemo<ColumnDef<Rule, unknown>[]>(() => [
    {
      id: "name", header: "Rule", accessorFn: (r) => r.definition.ruleName,
      cell: ({ row }) => (
        <div className="min-w-0">
          <Link to={`/alerts/rules/${row.original.id}`} className="font-medium text-primary hover:underline" onClick={(e) => e.stopPropagation()}>{row.original.definition.ruleName}</Link>
          <p className="truncate text-xs text-muted-foreground">{describeRule(row.original.definition)}</p>
        </div>
      ),
    },
    {
      id: "status", header: "Status", accessorFn: (r) => (r.firing ? "FIRING" : r.status),
      cell: ({ row }) => (
        <div className="flex gap-1">
          <StatusBadge status={row.original.status} />
          {row.original.firing && <StatusBadge status="FIRING" />}
        </div>
      ),
    },
    { id: "severity", header: "Severity", accessorFn: (r) => SEVERITIES.indexOf(r.definition.severity), cell: ({ row }) => <SeverityBadge severity={row.original.definition.severity} /> },
    { id: "loader", header: "Loader", accessorFn: (r) => r.definition.loaderCode, cell: ({ getValue }) => <span className="font-mono text-xs">{getValue() as string}</span> },
    {
      id: "labels", header: "Labels", enableSorting: false,
      cell: ({ row }) => <span className="text-xs text-muted-foreground">{Object.entries(row.original.definition.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ") || "—"}</span>,
    },
    { id: "updated", header: "Updated", accessorFn: (r) => r.updatedAt, cell: ({ row }) => <span className="text-xs text-muted-foreground">{formatDateTime(row.original.updatedAt)}</span> },
    { id: "actions", header: "", enableSorting: false, cell: ({ row }) => canWrite && <RuleActions rule={row.original} /> },
  ], [canWrite]);

  const filtered = search || status || severity;
  return (
    <div>
      <PageHeader
        title="Alert rules"
        description="Rules watch a chart's metric and fire when conditions, baselines or weighted windows say so."
        actions={canWrite && <Button asChild><Link to="/alerts/rules/new"><Plus /> New rule</Link></Button>}
      />
      <Tabs value={tab} onValueChange={(v) => setParams(v === "rules" ? {} : { tab: v }, { replace: true })}>
        <TabsList className="mb-3">
          <TabsTrigger value="rules">Rules</TabsTrigger>
          <TabsTrigger value="silences">Silences</TabsTrigger>
        </TabsList>
        <TabsContent value="rules" className="mt-0">
          <Card>
            <div className="flex flex-wrap items-center gap-2 border-b p-3">
              <div className="relative w-72">
                <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
                <Input placeholder="Search rules…" className="pl-8" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search rules" />
              </div>
              <NativeSelect className="w-40" value={status} onChange={(e) => setStatus(e.target.value as typeof status)} aria-label="Status filter">
                <option value="">All statuses</option>
                <option value="ACTIVE">Active</option>
                <option value="PAUSED">Paused</option>
                <option value="FIRING">Firing</option>
              </NativeSelect>
              <NativeSelect className="w-40" value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)} aria-label="Severity filter">
                <option value="">All severities</option>
                {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
              </NativeSelect>
              {rules.data && <span className="ml-auto text-xs text-muted-foreground">{rules.data.length} rules</span>}
            </div>
            {rules.isLoading ? <LoadingState label="Loading alert rules…" /> : rules.isError ? (
              <ErrorState error={rules.error} onRetry={() => rules.refetch()} title="Could not load the alert rules" />
            ) : (
              <DataTable columns={columns} data={rules.data ?? []} globalFilter={search}
                onRowClick={(r) => navigate(`/alerts/rules/${r.id}`)} rowTestId={(r) => `rule-row-${r.definition.ruleName}`}
                empty={<EmptyState icon={<BellRing className="h-6 w-6" />} title={filtered ? "No rule matches these filters" : "No alert rules yet"}
                  description={filtered ? undefined : "Open a chart and choose “Alert on this chart”, or start a new rule here."}
                  action={canWrite && !filtered ? <Button asChild><Link to="/alerts/rules/new"><Plus /> New rule</Link></Button> : undefined} />} />
            )}
          </Card>
        </TabsContent>
        <TabsContent value="silences" className="mt-0"><SilencesPanel /></TabsContent>
      </Tabs>
    </div>
  );
}

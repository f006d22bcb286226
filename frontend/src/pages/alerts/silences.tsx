import { useEffect, useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { BellOff, Loader2, Plus, Trash2 } from "lucide-react";
import { useCreateSilence, useDeleteSilence, useRules, useSilences, type Rule, type Silence } from "@/api/alerts";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { fromLocalInput, toLocalInput } from "@/lib/time-range";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

export interface SilenceDraft { ruleId: string; loaderCode: string; labels: string; from: string; to: string; reason: string }

/** `team=payments, env=prod` → {team: "payments", env: "prod"}; null when a pair is malformed. */
export function parseLabels(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, ...rest] = part.split("=");
    if (!key.trim() || rest.length === 0) return null;
    out[key.trim()] = rest.join("=").trim();
  }
  return out;
}

/** What is wrong with a silence draft, field by field (the API's rules, in words). */
export function silenceProblems(d: SilenceDraft): Partial<Record<keyof SilenceDraft, string>> {
  const problems: Partial<Record<keyof SilenceDraft, string>> = {};
  const labels = parseLabels(d.labels);
  if (labels === null) problems.labels = "Write labels as name=value, separated by commas";
  if (!d.ruleId && !d.loaderCode.trim() && (!labels || Object.keys(labels).length === 0)) {
    problems.ruleId = "Choose a rule, a loader or labels to match";
  }
  if (d.loaderCode.trim() && !/^[A-Z][A-Z0-9_]{0,63}$/.test(d.loaderCode.trim())) problems.loaderCode = "Loader codes are upper snake case";
  const from = fromLocalInput(d.from);
  const to = fromLocalInput(d.to);
  if (from === null) problems.from = "Enter when the silence starts";
  if (to === null) problems.to = "Enter when the silence ends";
  else if (from !== null && to <= from) problems.to = "The end must be after the start";
  if (!d.reason.trim()) problems.reason = "Say why alerts are silenced (e.g. planned maintenance)";
  return problems;
}

export function SilenceDialog({ open, onOpenChange, rule }: { open: boolean; onOpenChange: (o: boolean) => void; rule?: Rule }) {
  const rules = useRules();
  const create = useCreateSilence();
  const blank = (): SilenceDraft => {
    const now = Math.floor(Date.now() / 1000);
    return { ruleId: rule?.id ?? "", loaderCode: "", labels: "", from: toLocalInput(now), to: toLocalInput(now + 2 * 3600), reason: "" };
  };
  const [draft, setDraft] = useState<SilenceDraft>(blank);
  const [tried, setTried] = useState(false);
  useEffect(() => { if (open) { setDraft(blank()); setTried(false); create.reset(); } }, [open]); // eslint-disable-line react-hooks/exhaustive-deps
  const problems = silenceProblems(draft);
  const shown = tried ? problems : {};
  const set = (k: keyof SilenceDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  const submit = async () => {
    setTried(true);
    if (Object.keys(problems).length) return;
    try {
      await create.mutateAsync({
        ruleId: draft.ruleId || null, loaderCode: draft.loaderCode.trim() || null, labels: parseLabels(draft.labels) ?? {},
        startsAt: new Date(fromLocalInput(draft.from)! * 1000).toISOString(), endsAt: new Date(fromLocalInput(draft.to)! * 1000).toISOString(),
        reason: draft.reason.trim(),
      });
      toast.success("Silence scheduled");
      onOpenChange(false);
    } catch { /* shown below */ }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-lg" onClick={(e) => e.stopPropagation()}>
        <DialogHeader>
          <DialogTitle>Schedule a silence</DialogTitle>
          <DialogDescription>Matching alerts are still recorded, but nobody is notified and no incident opens while it lasts.</DialogDescription>
        </DialogHeader>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Rule" htmlFor="silence-rule" error={shown.ruleId} className="col-span-2">
            <NativeSelect id="silence-rule" value={draft.ruleId} onChange={set("ruleId")} aria-invalid={!!shown.ruleId}>
              <option value="">Any rule</option>
              {(rules.data ?? []).map((r) => <option key={r.id} value={r.id}>{r.definition.ruleName}</option>)}
            </NativeSelect>
          </Field>
          <Field label="Loader" htmlFor="silence-loader" error={shown.loaderCode}>
            <Input id="silence-loader" value={draft.loaderCode} onChange={set("loaderCode")} placeholder="(any)" />
          </Field>
          <Field label="Labels" htmlFor="silence-labels" error={shown.labels} hint="name=value, comma separated">
            <Input id="silence-labels" value={draft.labels} onChange={set("labels")} placeholder="team=payments" />
          </Field>
          <Field label="Starts" htmlFor="silence-from" error={shown.from}>
            <Input id="silence-from" type="datetime-local" value={draft.from} onChange={set("from")} />
          </Field>
          <Field label="Ends" htmlFor="silence-to" error={shown.to}>
            <Input id="silence-to" type="datetime-local" value={draft.to} onChange={set("to")} aria-invalid={!!shown.to} />
          </Field>
          <Field label="Reason" htmlFor="silence-reason" error={shown.reason} className="col-span-2">
            <Textarea id="silence-reason" value={draft.reason} onChange={set("reason")} placeholder="Database maintenance" aria-invalid={!!shown.reason} />
          </Field>
        </div>
        {create.error && <Alert variant="destructive">{errorMessage(create.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button onClick={submit} disabled={create.isPending}>{create.isPending && <Loader2 className="animate-spin" />} Schedule silence</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function SilencesPanel() {
  const silences = useSilences();
  const rules = useRules();
  const remove = useDeleteSilence();
  const canWrite = useCan("OPERATOR");
  const [open, setOpen] = useState(false);
  const ruleName = useMemo(() => new Map((rules.data ?? []).map((r) => [r.id, r.definition.ruleName])), [rules.data]);

  const columns = useMemo<ColumnDef<Silence, unknown>[]>(() => [
    {
      id: "matches", header: "Matches", enableSorting: false,
      cell: ({ row }) => {
        const s = row.original;
        const parts = [s.ruleId && `rule “${ruleName.get(s.ruleId) ?? s.ruleId.slice(0, 8)}”`, s.loaderCode && `loader ${s.loaderCode}`,
          ...Object.entries(s.labels).map(([k, v]) => `${k}=${v}`)].filter(Boolean);
        return <span className="text-sm">{parts.join(" · ")}</span>;
      },
    },
    { id: "window", header: "When", accessorFn: (s) => s.startsAt, cell: ({ row }) => <span className="text-xs">{formatDateTime(row.original.startsAt)} → {formatDateTime(row.original.endsAt)}</span> },
    { id: "active", header: "State", accessorFn: (s) => s.active, cell: ({ row }) => row.original.active ? <Badge variant="warning">Active now</Badge> : new Date(row.original.endsAt) < new Date() ? <Badge variant="secondary">Ended</Badge> : <Badge>Scheduled</Badge> },
    { accessorKey: "reason", header: "Reason" },
    { accessorKey: "createdBy", header: "By" },
    {
      id: "actions", header: "", enableSorting: false,
      cell: ({ row }) => canWrite && (
        <ConfirmAction title="Remove this silence?" description="Alerts matching it notify again right away." confirmLabel="Remove"
          onConfirm={() => remove.mutate(row.original.id, { onSuccess: () => toast.success("Silence removed"), onError: (e) => toast.error(errorMessage(e)) })}>
          <Button variant="ghost" size="icon" aria-label="Remove silence"><Trash2 className="text-destructive" /></Button>
        </ConfirmAction>
      ),
    },
  ], [canWrite, ruleName]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Card>
      <div className="flex items-center justify-between border-b p-3">
        <p className="text-sm text-muted-foreground">Maintenance windows: planned in advance, matched by rule, loader or labels.</p>
        {canWrite && <Button size="sm" onClick={() => setOpen(true)}><Plus /> New silence</Button>}
      </div>
      {silences.isLoading ? <LoadingState label="Loading silences…" /> : silences.isError ? (
        <ErrorState error={silences.error} onRetry={() => silences.refetch()} title="Could not load the silences" />
      ) : (
        <DataTable columns={columns} data={silences.data ?? []}
          empty={<EmptyState icon={<BellOff className="h-6 w-6" />} title="No silences" description="Schedule one before planned maintenance so nobody is paged for it." />} />
      )}
      <SilenceDialog open={open} onOpenChange={setOpen} />
    </Card>
  );
}

/** The silences of one rule, on its page: what keeps it quiet now or soon, and a way to add one. */
export function RuleSilencesCard({ rule }: { rule: Rule }) {
  const silences = useSilences(rule.id);
  const remove = useDeleteSilence();
  const canWrite = useCan("OPERATOR");
  const [open, setOpen] = useState(false);
  const current = (silences.data ?? []).filter((s) => new Date(s.endsAt) > new Date());
  return (
    <Card data-testid="rule-silences">
      <div className="flex items-center justify-between border-b p-4">
        <div>
          <p className="font-semibold">Silences</p>
          <p className="text-xs text-muted-foreground">Alerts are still recorded while silenced; nobody is notified.</p>
        </div>
        {canWrite && <Button type="button" size="sm" variant="outline" onClick={() => setOpen(true)}><BellOff /> Silence this rule</Button>}
      </div>
      <div className="p-4">
        {silences.isLoading ? <LoadingState rows={1} /> : silences.isError ? <ErrorState error={silences.error} onRetry={() => silences.refetch()} />
          : current.length === 0 ? <p className="text-sm text-muted-foreground">No silence now or planned.</p>
          : (
            <ul className="divide-y">
              {current.map((s) => (
                <li key={s.id} className="flex items-center gap-2 py-2 text-sm">
                  {s.active ? <Badge variant="warning">Active now</Badge> : <Badge>Scheduled</Badge>}
                  <span className="text-xs">{formatDateTime(s.startsAt)} → {formatDateTime(s.endsAt)}</span>
                  <span className="flex-1 truncate text-muted-foreground">{s.reason}</span>
                  {canWrite && (
                    <Button type="button" variant="ghost" size="icon" aria-label="Remove silence"
                      onClick={() => remove.mutate(s.id, { onSuccess: () => toast.success("Silence removed"), onError: (e) => toast.error(errorMessage(e)) })}>
                      <Trash2 className="text-destructive" />
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
      </div>
      <SilenceDialog open={open} onOpenChange={setOpen} rule={rule} />
    </Card>
  );
}

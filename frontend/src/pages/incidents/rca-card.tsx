import { useEffect, useMemo, useState } from "react";
import { Download, FileText, Loader2 } from "lucide-react";
import { useCharts } from "@/api/charts";
import type { IncidentDetail } from "@/api/incidents";
import { reportLink, useGenerateRca } from "@/api/rca";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { fromLocalInput, toLocalInput } from "@/lib/time-range";
import { formatDateTime } from "@/lib/utils";
import { formatBytes } from "@/api/incidents";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

/** Default report range: an hour before the incident (or its first alert) to its resolution (or now). */
export function defaultRcaRange(i: IncidentDetail, nowMs = Date.now()): { from: number; to: number } {
  const starts = [Date.parse(i.createdAt), ...i.alerts.map((a) => Date.parse(a.triggeredAt))].filter(Number.isFinite);
  const end = i.closedAt ?? i.resolvedAt;
  const to = Math.floor((end ? Date.parse(end) : nowMs) / 1000) + 300;
  return { from: Math.floor(Math.min(...starts) / 1000) - 3600, to: Math.min(to, Math.floor(nowMs / 1000)) };
}

function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const start = Date.now();
    setSeconds(0);
    const t = setInterval(() => setSeconds(Math.floor((Date.now() - start) / 1000)), 500);
    return () => clearInterval(t);
  }, [running]);
  return seconds;
}

export function RcaCard({ incident }: { incident: IncidentDetail }) {
  const canWrite = useCan("OPERATOR");
  const generate = useGenerateRca(incident.id);
  const charts = useCharts();
  const alertCharts = useMemo(() => [...new Set(incident.alerts.map((a) => a.chartId).filter((c): c is string => !!c))], [incident.alerts]);
  const initial = useMemo(() => defaultRcaRange(incident), [incident.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const [from, setFrom] = useState(toLocalInput(initial.from));
  const [to, setTo] = useState(toLocalInput(initial.to));
  const [selected, setSelected] = useState<string[]>(alertCharts);
  const [notes, setNotes] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const elapsed = useElapsed(generate.isPending);
  const chartName = (id: string) => charts.data?.find((c) => c.id === id)?.definition.chartName ?? id.slice(0, 8);

  const run = async () => {
    const f = fromLocalInput(from);
    const t = fromLocalInput(to);
    if (f === null || t === null) return setProblem("Enter both ends of the time range");
    if (f >= t) return setProblem("The start must be before the end");
    setProblem(null);
    try {
      await generate.mutateAsync({ chartIds: selected, timeRange: { from: f, to: t }, notes: notes.trim() || undefined });
      toast.success("RCA report ready");
    } catch { /* shown below */ }
  };
  const open = async (reportId: string) => {
    try {
      window.open((await reportLink(reportId)).url, "_blank", "noopener");
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  return (
    <Card data-testid="rca-card">
      <CardHeader>
        <CardTitle>Root cause analysis</CardTitle>
        <CardDescription>A PDF with the timeline, the charts over the range, notes and the resolution.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {canWrite && (
          <>
            <div className="grid gap-3">
              <Field label="From" htmlFor="rca-from"><Input id="rca-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
              <Field label="To" htmlFor="rca-to"><Input id="rca-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
            </div>
            {alertCharts.length > 0 && (
              <fieldset className="space-y-1.5">
                <legend className="mb-1 text-sm font-medium">Charts</legend>
                {alertCharts.map((id) => (
                  <label key={id} className="flex items-center gap-2 text-sm">
                    <Checkbox checked={selected.includes(id)} aria-label={chartName(id)}
                      onCheckedChange={() => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))} />
                    {chartName(id)}
                  </label>
                ))}
                <p className="text-xs text-muted-foreground">None selected: the charts of the incident's alerts.</p>
              </fieldset>
            )}
            <Field label="Notes for the report" htmlFor="rca-notes"><Textarea id="rca-notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} /></Field>
            {problem && <p className="text-xs font-medium text-destructive" role="alert">{problem}</p>}
            <Button onClick={run} disabled={generate.isPending}>{generate.isPending ? <Loader2 className="animate-spin" /> : <FileText />} Generate RCA</Button>
            {generate.isPending && (
              <div className="space-y-1" data-testid="rca-progress">
                <p className="text-xs text-muted-foreground">Drawing the charts and writing the PDF… {elapsed} s</p>
                <div className="h-1.5 overflow-hidden rounded-full bg-muted" role="progressbar" aria-label="Generating the report">
                  <div className="h-full w-1/3 animate-[pulse_1s_ease-in-out_infinite] rounded-full bg-primary" style={{ marginLeft: `${(elapsed * 17) % 67}%` }} />
                </div>
              </div>
            )}
            {generate.error && <Alert variant="destructive">{errorMessage(generate.error)}</Alert>}
            {generate.data && (
              <Alert variant="success">
                <FileText />
                <div>
                  <a href={generate.data.url} target="_blank" rel="noopener" className="font-medium text-primary underline" data-testid="rca-link">Download the RCA PDF</a>
                  <p className="text-xs text-muted-foreground">The link works until {formatDateTime(generate.data.expiresAt)}.</p>
                </div>
              </Alert>
            )}
          </>
        )}
        {incident.reports.length > 0 && (
          <div>
            <p className="mb-1 text-sm font-medium">Reports</p>
            <ul className="divide-y rounded-md border">
              {incident.reports.map((r) => (
                <li key={r.id} className="flex items-center gap-3 px-3 py-2 text-sm" data-testid="report-row">
                  <FileText className="h-4 w-4 text-muted-foreground" />
                  <span className="flex-1">{formatDateTime(r.createdAt)} by {r.createdBy} · {formatBytes(r.sizeBytes)}</span>
                  <Button variant="ghost" size="sm" onClick={() => open(r.id)} aria-label="Download report"><Download /> PDF</Button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {!canWrite && incident.reports.length === 0 && <p className="text-sm text-muted-foreground">No report yet.</p>}
      </CardContent>
    </Card>
  );
}

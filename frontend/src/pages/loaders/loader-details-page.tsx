import { lazy, Suspense, useEffect } from "react";
import { Link, useParams } from "react-router-dom";
import { LineChart, Lock, Pencil } from "lucide-react";
import { useExecutions, useLoader } from "@/api/loaders";
import { useSource } from "@/api/sources";
import type { Execution } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { formatDateTime, formatDuration, formatInterval } from "@/lib/utils";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ComplianceBadge } from "../sources/compliance-badge";
import { EnabledBadge, RunStatusBadge } from "./status";
import { LoaderActions } from "./loader-actions";

const SqlEditor = lazy(() => import("@/components/sql-editor"));

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd className="mt-1 text-sm">{children}</dd>
    </div>
  );
}

function Executions({ code }: { code: string }) {
  const executions = useExecutions(code);
  const running = executions.data?.items.some((e) => e.status === "RUNNING");
  // Poll while a run is in flight so its outcome appears without a reload.
  const live = useExecutions(code, running ? 3000 : undefined);
  const data = live.data ?? executions.data;
  if (executions.isLoading) return <LoadingState label="Loading executions…" rows={3} />;
  if (executions.isError) return <ErrorState error={executions.error} onRetry={() => executions.refetch()} />;
  const items: Execution[] = data?.items ?? [];
  if (items.length === 0) return <EmptyState title="No runs yet" description="Runs appear here when the schedule fires or someone presses Run now." />;
  return (
    <Table>
      <TableHeader>
        <TableRow><TableHead>Status</TableHead><TableHead>Started</TableHead><TableHead>Duration</TableHead><TableHead>Rows</TableHead><TableHead>Trigger</TableHead><TableHead>Error</TableHead></TableRow>
      </TableHeader>
      <TableBody>
        {items.map((e) => (
          <TableRow key={e.id} data-testid="execution-row">
            <TableCell><RunStatusBadge status={e.status} /></TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(e.startedAt)}</TableCell>
            <TableCell>{formatDuration(e.durationMs)}</TableCell>
            <TableCell>{e.rows ?? "—"}{e.rowsSkipped ? <span className="text-xs text-muted-foreground"> ({e.rowsSkipped} skipped)</span> : null}</TableCell>
            <TableCell className="text-xs text-muted-foreground">{e.trigger ?? "—"}{e.attempts && e.attempts > 1 ? ` · ${e.attempts} attempts` : ""}</TableCell>
            <TableCell className="max-w-md truncate text-xs text-destructive" title={e.error ?? ""}>{e.error ?? ""}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export default function LoaderDetailsPage() {
  const { code = "" } = useParams();
  const loader = useLoader(code);
  const canOperate = useCan("OPERATOR");
  const source = useSource(canOperate ? loader.data?.sourceDatabaseId : undefined);
  const setCrumb = useCrumbLabels((s) => s.set);
  useEffect(() => setCrumb(`/loaders/${code}`, code), [code, setCrumb]);

  if (loader.isLoading) return <LoadingState label="Loading loader…" />;
  if (loader.isError || !loader.data) return <ErrorState error={loader.error} onRetry={() => loader.refetch()} title={`Could not load loader ${code}`} />;
  const l = loader.data;

  return (
    <div className="space-y-5">
      <PageHeader
        title={l.loaderCode}
        description={<span className="flex items-center gap-2"><EnabledBadge enabled={l.enabled} /> {formatInterval(l.intervalSeconds)} · from {l.sourceDatabaseName ?? "its source"}</span>}
        actions={
          <>
            <Button variant="outline" asChild><Link to={`/signals?loader=${l.loaderCode}`}><LineChart /> View signals</Link></Button>
            {canOperate && <Button variant="outline" asChild><Link to={`/loaders/${l.loaderCode}/edit`}><Pencil /> Edit</Link></Button>}
            <LoaderActions loader={l} afterDelete="/loaders" />
          </>
        }
      />
      <div className="grid gap-5 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader><CardTitle>Query</CardTitle></CardHeader>
          <CardContent>
            {l.loaderSql ? (
              <Suspense fallback={<LoadingState rows={2} />}><SqlEditor value={l.loaderSql} readOnly height="auto" /></Suspense>
            ) : (
              <p className="flex items-center gap-2 rounded-md border border-dashed p-4 text-sm text-muted-foreground"><Lock className="h-4 w-4" /> The SQL is shown to operators and administrators only.</p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle>Settings</CardTitle></CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-4">
              <Meta label="Interval">{formatInterval(l.intervalSeconds)}</Meta>
              <Meta label="Max parallelism">{l.maxParallelism}</Meta>
              <Meta label="Timeout">{l.timeoutSeconds} s</Meta>
              <Meta label="Last scheduled">{formatDateTime(l.lastScheduledAt)}</Meta>
              <Meta label="Created">{formatDateTime(l.createdAt)}</Meta>
              <Meta label="Updated">{formatDateTime(l.updatedAt)}</Meta>
              <div className="col-span-2">
                <Meta label="Segments">
                  {l.segments.length === 0 ? <span className="text-muted-foreground">All segments the query returns</span> : (
                    <span className="flex flex-wrap gap-1">{l.segments.map((s) => <Badge key={s} variant="outline">{s}</Badge>)}</span>
                  )}
                </Meta>
              </div>
            </dl>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader><CardTitle>Source database</CardTitle></CardHeader>
        <CardContent>
          {!canOperate ? <p className="text-sm">{l.sourceDatabaseName ?? l.sourceDatabaseId}</p>
            : source.isLoading ? <LoadingState rows={1} />
            : source.isError ? <ErrorState error={source.error} onRetry={() => source.refetch()} />
            : source.data && (
              <dl className="grid grid-cols-2 gap-4 md:grid-cols-6">
                <Meta label="Name">{source.data.name}</Meta>
                <Meta label="Type">{source.data.type === "mysql" ? "MySQL" : "PostgreSQL"}</Meta>
                <Meta label="Host"><span className="font-mono text-xs">{source.data.host}:{source.data.port}</span></Meta>
                <Meta label="Database"><span className="font-mono text-xs">{source.data.dbName}</span></Meta>
                <Meta label="User"><span className="font-mono text-xs">{source.data.userName}</span></Meta>
                <Meta label="Compliance"><ComplianceBadge source={source.data} /></Meta>
              </dl>
            )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle>Execution history</CardTitle></CardHeader>
        <CardContent className="px-0 pb-2"><Executions code={l.loaderCode} /></CardContent>
      </Card>
    </div>
  );
}

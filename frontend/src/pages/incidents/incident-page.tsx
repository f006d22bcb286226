import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { ExternalLink, Loader2, RefreshCw, UserCheck } from "lucide-react";
import { useAssign, useIncident, type IncidentDetail } from "@/api/incidents";
import { useJiraSync } from "@/api/jira";
import { useUsers } from "@/api/admin";
import { errorMessage } from "@/api/errors";
import { useAuth, useCan } from "@/lib/auth-store";
import { useCrumbLabels } from "@/lib/breadcrumbs";
import { formatDateTime } from "@/lib/utils";
import { SeverityBadge, StatusBadge } from "@/components/severity-badge";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { StatusActions } from "./status-actions";
import { TimelineCard } from "./timeline-card";
import { AttachmentsCard } from "./attachments-card";
import { RelatedAlertsCard } from "./related-alerts";
import { RcaCard } from "./rca-card";
import { Deliveries } from "@/pages/notifications/deliveries-card";

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[120px_1fr] gap-2 py-1.5 text-sm">
      <dt className="text-muted-foreground">{label}</dt><dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function Assignment({ incident }: { incident: IncidentDetail }) {
  const me = useAuth((s) => s.session?.user.username);
  const isAdmin = useCan("ADMIN");
  const users = useUsers({ disabled: false }, isAdmin);
  const assign = useAssign(incident.id);
  const [value, setValue] = useState(incident.assignee ?? "");
  useEffect(() => setValue(incident.assignee ?? ""), [incident.assignee]);
  const save = (assignee: string | null) => assign.mutate(assignee, {
    onSuccess: () => toast.success(assignee ? `Assigned to ${assignee}` : "Unassigned"),
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <Input aria-label="Assignee" list="incident-users" value={value} onChange={(e) => setValue(e.target.value)} placeholder="username" />
        <datalist id="incident-users">{(users.data?.items ?? []).map((u) => <option key={u.id} value={u.username} />)}</datalist>
        <Button variant="outline" disabled={assign.isPending || value.trim() === (incident.assignee ?? "")} onClick={() => save(value.trim() || null)}>
          {assign.isPending && <Loader2 className="animate-spin" />} Assign
        </Button>
      </div>
      <div className="flex gap-2">
        {me && incident.assignee !== me && <Button size="sm" variant="ghost" onClick={() => save(me)}><UserCheck /> Assign to me</Button>}
        {incident.assignee && <Button size="sm" variant="ghost" onClick={() => save(null)}>Unassign</Button>}
      </div>
    </div>
  );
}

function JiraTicket({ incident }: { incident: IncidentDetail }) {
  const canWrite = useCan("OPERATOR");
  const sync = useJiraSync();
  const t = incident.externalTicket;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {t ? (
        t.url ? <a href={t.url} target="_blank" rel="noopener" className="inline-flex items-center gap-1 font-medium text-primary hover:underline" data-testid="jira-link">{t.key} <ExternalLink className="h-3.5 w-3.5" /></a>
          : <Badge variant="outline">{t.key}</Badge>
      ) : <span className="text-muted-foreground">No ticket</span>}
      {canWrite && (
        <Button size="sm" variant="ghost" disabled={sync.isPending} onClick={() => sync.mutate(incident.id, {
          onSuccess: (r) => r.failed.length ? toast.error(`Jira sync failed: ${r.failed[0].error}`) : toast.success(r.synced.length ? "Synced with Jira" : "Nothing to sync"),
          onError: (e) => toast.error(errorMessage(e)),
        })}>
          {sync.isPending ? <Loader2 className="animate-spin" /> : <RefreshCw />} Sync
        </Button>
      )}
    </div>
  );
}

export default function IncidentPage() {
  const { id } = useParams();
  const incident = useIncident(id);
  const canWrite = useCan("OPERATOR");
  const setCrumb = useCrumbLabels((s) => s.set);
  useEffect(() => { if (id && incident.data) setCrumb(`/incidents/${id}`, `#${incident.data.number}`); }, [id, incident.data, setCrumb]);

  if (incident.isLoading) return <LoadingState label="Loading incident…" />;
  if (incident.isError || !incident.data) return <ErrorState error={incident.error} onRetry={() => incident.refetch()} title="Could not load the incident" />;
  const i = incident.data;
  return (
    <div className="space-y-5">
      <PageHeader
        title={`#${i.number} ${i.title}`}
        description={(
          <span className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={i.severity} />
            <StatusBadge status={i.status} />
            <span>opened {formatDateTime(i.createdAt)} by {i.createdBy}</span>
          </span>
        )}
        actions={canWrite && <StatusActions incident={i} />}
      />
      <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_400px]">
        <div className="min-w-0 space-y-5">
          {i.description && (
            <Card><CardHeader><CardTitle>Description</CardTitle></CardHeader><CardContent><p className="whitespace-pre-wrap text-sm">{i.description}</p></CardContent></Card>
          )}
          <RelatedAlertsCard alerts={i.alerts} />
          <TimelineCard incidentId={i.id} />
        </div>
        <div className="min-w-0 space-y-5">
          <Card>
            <CardHeader><CardTitle>Details</CardTitle></CardHeader>
            <CardContent>
              <dl className="divide-y" data-testid="incident-meta">
                <Meta label="Status"><StatusBadge status={i.status} /></Meta>
                <Meta label="Source">{i.source}</Meta>
                <Meta label="Loader"><span className="font-mono text-xs">{i.loaderCode ?? "—"}</span></Meta>
                <Meta label="Alerts">{i.alertCount ?? i.alerts.length}</Meta>
                <Meta label="Jira"><JiraTicket incident={i} /></Meta>
                <Meta label="Acknowledged">{formatDateTime(i.acknowledgedAt)}</Meta>
                <Meta label="Resolved">{formatDateTime(i.resolvedAt)}</Meta>
                {i.resolutionNote && <Meta label="Resolution">{i.resolutionNote}</Meta>}
                <Meta label="Closed">{formatDateTime(i.closedAt)}</Meta>
                {i.closureReason && <Meta label="Closure reason">{i.closureReason}</Meta>}
                <Meta label="Updated">{formatDateTime(i.updatedAt)}</Meta>
              </dl>
            </CardContent>
          </Card>
          <Card>
            <CardHeader><CardTitle>Assignee</CardTitle></CardHeader>
            <CardContent>{canWrite ? <Assignment incident={i} /> : <p className="text-sm">{i.assignee ?? "Unassigned"}</p>}</CardContent>
          </Card>
          <Card>
            <CardHeader><CardTitle>Notifications</CardTitle></CardHeader>
            <CardContent><Deliveries subjectType="incident" subjectId={i.id} /></CardContent>
          </Card>
          <AttachmentsCard incidentId={i.id} attachments={i.attachments} />
          <RcaCard incident={i} />
        </div>
      </div>
    </div>
  );
}

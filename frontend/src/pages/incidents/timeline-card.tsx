import { useState } from "react";
import { Loader2, MessageSquarePlus } from "lucide-react";
import { useAddNote, useTimeline, type TimelineEntry } from "@/api/incidents";
import { errorMessage } from "@/api/errors";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

const KIND: Record<string, string> = {
  created: "Opened", status: "Status", assignee: "Assignment", note: "Note", alert_linked: "Alert", alert_resolved: "Alert resolved",
  attachment_added: "Attachment", attachment_deleted: "Attachment removed", report_generated: "RCA report", external_ticket: "Jira",
};

function Entry({ e }: { e: TimelineEntry }) {
  const text = e.kind === "note" && typeof e.detail.text === "string" ? e.detail.text : null;
  return (
    <li className="relative border-l pb-4 pl-5 last:pb-0" data-testid="timeline-entry" data-kind={e.kind}>
      <span className={`absolute -left-[5px] top-1.5 h-2.5 w-2.5 rounded-full ${e.kind === "note" ? "bg-primary" : e.kind === "status" ? "bg-warning" : "bg-muted-foreground/50"}`} />
      <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
        <Badge variant="secondary">{KIND[e.kind] ?? e.kind}</Badge>
        <span>{formatDateTime(e.at)}</span><span>·</span><span className="font-medium text-foreground">{e.actor}</span>
        {e.origin !== "vigil" && <Badge variant="outline">via {e.origin}</Badge>}
      </div>
      <p className="mt-1 text-sm">{e.summary}</p>
      {text && !e.summary.includes(text) && <p className="mt-1 whitespace-pre-wrap rounded-md bg-muted/50 p-2 text-sm">{text}</p>}
    </li>
  );
}

/** Notes in, everything that happened out (oldest first). */
export function TimelineCard({ incidentId }: { incidentId: string }) {
  const timeline = useTimeline(incidentId);
  const addNote = useAddNote(incidentId);
  const canWrite = useCan("OPERATOR");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!text.trim()) return setError("Write the note first");
    setError(null);
    try {
      await addNote.mutateAsync(text.trim());
      setText("");
      toast.success("Note added");
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Card>
      <CardHeader><CardTitle>Notes and timeline</CardTitle></CardHeader>
      <CardContent className="space-y-4">
        {canWrite && (
          <div className="space-y-2">
            <Textarea aria-label="New note" rows={3} placeholder="What did you find? What are you trying next?" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!!error} />
            {error && <p className="text-xs font-medium text-destructive" role="alert">{error}</p>}
            <Button size="sm" onClick={submit} disabled={addNote.isPending}>{addNote.isPending ? <Loader2 className="animate-spin" /> : <MessageSquarePlus />} Add note</Button>
          </div>
        )}
        {timeline.isLoading ? <LoadingState rows={3} /> : timeline.isError ? <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
          : !timeline.data?.length ? <EmptyState title="Nothing on the timeline yet" />
          : <ol className="ml-1.5" aria-label="Timeline">{timeline.data.map((e) => <Entry key={e.id} e={e} />)}</ol>}
      </CardContent>
    </Card>
  );
}

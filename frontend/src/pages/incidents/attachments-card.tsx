import { useRef, useState } from "react";
import { Download, FileUp, Loader2, Paperclip, Trash2 } from "lucide-react";
import { attachmentLink, attachmentProblem, formatBytes, incidentKeys, uploadAttachment, useDeleteAttachment, type Attachment } from "@/api/incidents";
import { errorMessage } from "@/api/errors";
import { useQueryClient } from "@tanstack/react-query";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { ConfirmAction } from "@/components/confirm-button";
import { EmptyState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { toast } from "@/components/ui/toast";

/** Upload (type and size checked first, progress shown), download through a short-lived link, delete. */
export function AttachmentsCard({ incidentId, attachments }: { incidentId: string; attachments: Attachment[] }) {
  const canWrite = useCan("OPERATOR");
  const qc = useQueryClient();
  const remove = useDeleteAttachment(incidentId);
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const upload = async (file: File) => {
    const local = attachmentProblem(file);
    if (local) return setProblem(local);
    setProblem(null);
    setProgress({ name: file.name, fraction: 0 });
    try {
      await uploadAttachment(incidentId, file, (fraction) => setProgress({ name: file.name, fraction }));
      toast.success(`${file.name} attached`);
      qc.invalidateQueries({ queryKey: incidentKeys.one(incidentId) });
      qc.invalidateQueries({ queryKey: incidentKeys.timeline(incidentId) });
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = "";
    }
  };

  const download = async (attachment: Attachment) => {
    try {
      const link = await attachmentLink(incidentId, attachment.id);
      // The link answers with Content-Disposition: attachment: the browser saves it, the page stays.
      const a = document.createElement("a");
      a.href = link.url;
      a.rel = "noopener";
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between space-y-0">
        <div className="space-y-1">
          <CardTitle>Attachments</CardTitle>
          <CardDescription>PDF, PNG, JPG, TXT or LOG, up to 10 MB.</CardDescription>
        </div>
        {canWrite && (
          <>
            <input ref={input} type="file" className="hidden" aria-label="Attachment file" accept=".pdf,.png,.jpg,.jpeg,.txt,.log"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) upload(f); }} data-testid="attachment-input" />
            <Button size="sm" variant="outline" disabled={!!progress} onClick={() => input.current?.click()}><FileUp /> Upload</Button>
          </>
        )}
      </CardHeader>
      <CardContent className="space-y-3">
        {progress && (
          <div className="space-y-1" data-testid="upload-progress">
            <div className="flex justify-between text-xs"><span className="flex items-center gap-1"><Loader2 className="h-3 w-3 animate-spin" /> {progress.name}</span><span>{Math.round(progress.fraction * 100)}%</span></div>
            <div className="h-1.5 overflow-hidden rounded-full bg-muted" role="progressbar" aria-valuenow={Math.round(progress.fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
              <div className="h-full bg-primary transition-all" style={{ width: `${progress.fraction * 100}%` }} />
            </div>
          </div>
        )}
        {problem && <p className="text-xs font-medium text-destructive" role="alert">{problem}</p>}
        {attachments.length === 0 ? <EmptyState icon={<Paperclip className="h-6 w-6" />} title="No attachments" description="Add logs or screenshots that help explain the incident." />
          : (
            <ul className="divide-y">
              {attachments.map((a) => (
                <li key={a.id} className="flex items-center gap-3 py-2" data-testid="attachment-row">
                  <Paperclip className="h-4 w-4 shrink-0 text-muted-foreground" />
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium">{a.filename}</p>
                    <p className="text-xs text-muted-foreground">{formatBytes(a.sizeBytes)} · {a.uploadedBy} · {formatDateTime(a.uploadedAt)}</p>
                  </div>
                  <Button variant="ghost" size="icon" aria-label={`Download ${a.filename}`} onClick={() => download(a)}><Download /></Button>
                  {canWrite && (
                    <ConfirmAction title={`Delete ${a.filename}?`} description="The file is removed from the incident and from storage."
                      onConfirm={() => remove.mutate(a.id, { onSuccess: () => toast.success("Attachment deleted"), onError: (e) => toast.error(errorMessage(e)) })}>
                      <Button variant="ghost" size="icon" aria-label={`Delete ${a.filename}`}><Trash2 className="text-destructive" /></Button>
                    </ConfirmAction>
                  )}
                </li>
              ))}
            </ul>
          )}
      </CardContent>
    </Card>
  );
}

import { useState } from "react";
import { Loader2 } from "lucide-react";
import { useChangeStatus, type Incident, type IncidentStatus } from "@/api/incidents";
import { errorMessage } from "@/api/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { transitionFor, transitionProblem, type Transition } from "./lifecycle";

/** One button per allowed move; each asks for the note or reason the API needs with it. */
export function StatusActions({ incident }: { incident: Incident }) {
  const change = useChangeStatus(incident.id);
  const [current, setCurrent] = useState<Transition | null>(null);
  const [text, setText] = useState("");
  const [tried, setTried] = useState(false);
  const problem = current ? transitionProblem(current, text) : null;
  const open = (target: IncidentStatus) => {
    setCurrent(transitionFor(incident.status, target));
    setText("");
    setTried(false);
    change.reset();
  };
  const submit = async () => {
    setTried(true);
    if (!current || problem) return;
    try {
      await change.mutateAsync({ status: current.target, [current.field]: text.trim() || undefined });
      toast.success(`Incident #${incident.number} is ${current.target}`);
      setCurrent(null);
    } catch { /* shown in the dialog */ }
  };
  const transitions = (incident.allowedTransitions ?? []).map((t) => transitionFor(incident.status, t));
  return (
    <>
      {transitions.map((t) => (
        <Button key={t.target} variant={t.label === "Reopen" ? "outline" : "default"} onClick={() => open(t.target)}>{t.label}</Button>
      ))}
      <Dialog open={!!current} onOpenChange={(o) => !o && setCurrent(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{current?.label} incident #{incident.number}</DialogTitle>
            <DialogDescription>{incident.status} → {current?.target}. {current?.required ? "This move needs the text below." : "Anything you write goes on the timeline."}</DialogDescription>
          </DialogHeader>
          <Field label={current?.prompt ?? ""} htmlFor="status-text" error={tried ? problem ?? undefined : undefined}>
            <Textarea id="status-text" rows={4} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={tried && !!problem} autoFocus />
          </Field>
          {change.error && <Alert variant="destructive">{errorMessage(change.error)}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => setCurrent(null)}>Cancel</Button>
            <Button onClick={submit} disabled={change.isPending}>{change.isPending && <Loader2 className="animate-spin" />} {current?.label}</Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}

import { useEffect, useState } from "react";
import { Loader2, Send } from "lucide-react";
import { CHANNELS, useContactGroups, useSendNotification, type Channel } from "@/api/notifications";
import { errorMessage } from "@/api/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

export interface SendDraft { channel: Channel; to: "address" | "group"; recipient: string; groupId: string; subject: string; message: string }

/** What a manual notification still lacks (the API's rules: an address or targets, subject and text). */
export function sendProblems(d: SendDraft): Partial<Record<keyof SendDraft, string>> {
  const p: Partial<Record<keyof SendDraft, string>> = {};
  if (d.to === "group" && !d.groupId) p.groupId = "Choose a contact group";
  if (d.to === "address") {
    const r = d.recipient.trim();
    if (r.length < 3) p.recipient = "Enter where to send it";
    else if (d.channel === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r)) p.recipient = "Not an e-mail address";
    else if ((d.channel === "sms" || d.channel === "ivr") && !/^\+[1-9][0-9]{6,14}$/.test(r)) p.recipient = "A phone number in the international format, e.g. +4915112345678";
    else if (d.channel === "webhook" && !/^https?:\/\//.test(r)) p.recipient = "A URL starting with http:// or https://";
  }
  if (!d.subject.trim()) p.subject = "Give the message a subject";
  if (!d.message.trim()) p.message = "Write the message";
  return p;
}

/** Send a one-off message (a test of a channel, or news for a group); it shows up in the log. */
export function SendDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const groups = useContactGroups();
  const send = useSendNotification();
  const blank: SendDraft = { channel: "email", to: "address", recipient: "", groupId: "", subject: "", message: "" };
  const [d, setD] = useState<SendDraft>(blank);
  const [tried, setTried] = useState(false);
  useEffect(() => { if (open) { setD(blank); setTried(false); send.reset(); } }, [open]); // eslint-disable-line react-hooks/exhaustive-deps
  const problems = sendProblems(d);
  const shown = tried ? problems : {};
  const set = (k: keyof SendDraft) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [k]: e.target.value }));
  const submit = async () => {
    setTried(true);
    if (Object.keys(problems).length) return;
    try {
      await send.mutateAsync({
        channel: d.channel, subject: d.subject.trim(), message: d.message.trim(),
        ...(d.to === "group" ? { targets: [{ contactGroupId: d.groupId }] } : { recipient: d.recipient.trim() }),
      });
      toast.success("Notification queued: follow it in the delivery log");
      onOpenChange(false);
    } catch { /* shown below */ }
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Send a notification</DialogTitle>
          <DialogDescription>A one-off message, e.g. to check that a channel reaches people.</DialogDescription>
        </DialogHeader>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Channel" htmlFor="send-channel">
            <NativeSelect id="send-channel" value={d.channel} onChange={set("channel")}>{CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}</NativeSelect>
          </Field>
          <Field label="To" htmlFor="send-to">
            <NativeSelect id="send-to" value={d.to} onChange={set("to")}><option value="address">An address</option><option value="group">A contact group</option></NativeSelect>
          </Field>
          {d.to === "address" ? (
            <Field label="Recipient" htmlFor="send-recipient" error={shown.recipient} className="col-span-2">
              <Input id="send-recipient" value={d.recipient} onChange={set("recipient")} aria-invalid={!!shown.recipient}
                placeholder={d.channel === "email" ? "oncall@example.com" : d.channel === "webhook" ? "https://hooks.example.com/…" : "+4915112345678"} />
            </Field>
          ) : (
            <Field label="Contact group" htmlFor="send-group" error={shown.groupId} className="col-span-2">
              <NativeSelect id="send-group" value={d.groupId} onChange={set("groupId")} aria-invalid={!!shown.groupId}>
                <option value="">Choose…</option>{(groups.data ?? []).map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
              </NativeSelect>
            </Field>
          )}
          <Field label="Subject" htmlFor="send-subject" error={shown.subject} className="col-span-2">
            <Input id="send-subject" value={d.subject} onChange={set("subject")} aria-invalid={!!shown.subject} />
          </Field>
          <Field label="Message" htmlFor="send-message" error={shown.message} className="col-span-2">
            <Textarea id="send-message" rows={3} value={d.message} onChange={set("message")} aria-invalid={!!shown.message} />
          </Field>
        </div>
        {send.error && <Alert variant="destructive">{errorMessage(send.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button onClick={submit} disabled={send.isPending}>{send.isPending ? <Loader2 className="animate-spin" /> : <Send />} Send</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

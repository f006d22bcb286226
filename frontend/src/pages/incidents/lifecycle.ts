import type { IncidentStatus } from "@/api/incidents";

/** What each move along NEW → INVESTIGATING → RESOLVED → CLOSED asks of a person (API.md). */
export interface Transition {
  target: IncidentStatus;
  label: string;
  /** Which text the API takes with it, and whether it refuses the move without it. */
  field: "note" | "reason";
  required: boolean;
  prompt: string;
}

export function transitionFor(current: IncidentStatus, target: IncidentStatus): Transition {
  if (target === "RESOLVED") return { target, label: "Resolve", field: "note", required: true, prompt: "Resolution note: what was wrong and what fixed it" };
  if (target === "CLOSED") return { target, label: "Close incident", field: "reason", required: true, prompt: "Closure reason" };
  if (target === "INVESTIGATING" && current === "RESOLVED") return { target, label: "Reopen", field: "note", required: false, prompt: "Why it is reopened (optional)" };
  return { target, label: "Start investigating", field: "note", required: false, prompt: "Note for the timeline (optional)" };
}

export function transitionProblem(t: Transition, text: string): string | null {
  if (t.required && !text.trim()) return t.field === "note" ? "A resolution note is required to resolve an incident" : "A reason is required to close an incident";
  if (text.length > (t.field === "note" ? 20_000 : 5_000)) return "This text is too long";
  return null;
}

export const STATUS_ORDER: IncidentStatus[] = ["NEW", "INVESTIGATING", "RESOLVED", "CLOSED"];

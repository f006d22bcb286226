import { CheckCircle2, CircleDashed, Loader2, PauseCircle, PlayCircle, XCircle } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { ExecutionStatus, Loader } from "@/api/types";

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled
    ? <Badge variant="success"><PlayCircle /> Active</Badge>
    : <Badge variant="secondary"><PauseCircle /> Paused</Badge>;
}

export function RunStatusBadge({ status }: { status: ExecutionStatus | string | null | undefined }) {
  if (status === "SUCCESS") return <Badge variant="success"><CheckCircle2 /> Success</Badge>;
  if (status === "FAILED") return <Badge variant="destructive"><XCircle /> Failed</Badge>;
  if (status === "RUNNING") return <Badge variant="default"><Loader2 className="animate-spin" /> Running</Badge>;
  return <Badge variant="secondary"><CircleDashed /> Never run</Badge>;
}

export type StatusFilter = "all" | "active" | "paused" | "failing";

export function matchesStatus(loader: Loader, filter: StatusFilter): boolean {
  if (filter === "active") return loader.enabled;
  if (filter === "paused") return !loader.enabled;
  if (filter === "failing") return loader.lastRun?.status === "FAILED";
  return true;
}

import { AlertOctagon, AlertTriangle, Info, Siren } from "lucide-react";
import { Badge } from "./ui/badge";
import { cn } from "@/lib/utils";

/** Severity and status badges shared by alert rules, alert history and incidents. */
const SEVERITY = {
  INFO: { variant: "secondary", icon: Info },
  WARNING: { variant: "warning", icon: AlertTriangle },
  HIGH: { variant: "destructive", icon: AlertOctagon },
  CRITICAL: { variant: "destructive", icon: Siren },
} as const;

export function SeverityBadge({ severity }: { severity: string | null | undefined }) {
  const s = SEVERITY[(severity ?? "INFO") as keyof typeof SEVERITY] ?? SEVERITY.INFO;
  const Icon = s.icon;
  return (
    <Badge variant={s.variant} className={cn(severity === "CRITICAL" && "bg-destructive text-destructive-foreground")}>
      <Icon /> {severity ?? "—"}
    </Badge>
  );
}

const STATUS: Record<string, "default" | "secondary" | "success" | "warning" | "destructive" | "outline"> = {
  ACTIVE: "success", PAUSED: "secondary", FIRING: "destructive", RESOLVED: "success",
  NEW: "destructive", INVESTIGATING: "warning", CLOSED: "secondary",
  PENDING: "warning", SYNCED: "success", FAILED: "destructive", RUNNING: "warning", ACKNOWLEDGED: "success", NO_POLICY: "secondary", SUPERSEDED: "secondary",
  queued: "secondary", sent: "default", delivered: "success", failed: "destructive",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <Badge variant={STATUS[status] ?? "outline"} data-status={status}>
      {status === "FIRING" && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" />}
      {label ?? status}
    </Badge>
  );
}

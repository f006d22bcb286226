import { ShieldAlert, ShieldCheck, ShieldQuestion } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { Source } from "@/api/types";

/** The read-only compliance verdict of a source, with the override when an ADMIN recorded one. */
export function ComplianceBadge({ source }: { source: Pick<Source, "readOnlyCompliant" | "complianceOverride"> }) {
  if (source.readOnlyCompliant === true) return <Badge variant="success"><ShieldCheck /> Read-only</Badge>;
  if (source.readOnlyCompliant === false && source.complianceOverride)
    return <Badge variant="warning" title={`Override by ${source.complianceOverride.by}: ${source.complianceOverride.reason}`}><ShieldAlert /> Overridden</Badge>;
  if (source.readOnlyCompliant === false) return <Badge variant="destructive"><ShieldAlert /> Not read-only</Badge>;
  return <Badge variant="secondary"><ShieldQuestion /> Not checked</Badge>;
}

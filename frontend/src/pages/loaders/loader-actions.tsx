import { useNavigate } from "react-router-dom";
import { Loader2, Pause, Play, Trash2, Zap } from "lucide-react";
import { useLoaderAction } from "@/api/loaders";
import { errorMessage } from "@/api/errors";
import type { Loader } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { Button } from "@/components/ui/button";
import { ConfirmAction } from "@/components/confirm-button";
import { toast } from "@/components/ui/toast";

/** Run now, pause/resume, delete: OPERATOR and above; hidden for VIEWER. */
export function LoaderActions({ loader, compact, afterDelete }: { loader: Loader; compact?: boolean; afterDelete?: string }) {
  const canWrite = useCan("OPERATOR");
  const action = useLoaderAction();
  const navigate = useNavigate();
  if (!canWrite) return null;
  const code = loader.loaderCode;
  const busy = (a: string) => action.isPending && action.variables?.action === a && action.variables.code === code;
  const run = (a: "pause" | "resume" | "run" | "delete", done: string) =>
    action.mutate({ code, action: a }, {
      onSuccess: () => { toast.success(done); if (a === "delete" && afterDelete) navigate(afterDelete); },
      onError: (e) => toast.error(errorMessage(e)),
    });
  const size = compact ? "sm" : "default";
  return (
    <div className="flex items-center justify-end gap-1" onClick={(e) => e.stopPropagation()}>
      <Button variant="outline" size={size} onClick={() => run("run", `${code}: run queued`)} disabled={busy("run")} aria-label={`Run ${code} now`}>
        {busy("run") ? <Loader2 className="animate-spin" /> : <Zap />} Run now
      </Button>
      {loader.enabled ? (
        <Button variant="outline" size={size} onClick={() => run("pause", `${code} paused`)} disabled={busy("pause")} aria-label={`Pause ${code}`}>
          <Pause /> Pause
        </Button>
      ) : (
        <Button variant="outline" size={size} onClick={() => run("resume", `${code} resumed`)} disabled={busy("resume")} aria-label={`Resume ${code}`}>
          <Play /> Resume
        </Button>
      )}
      <ConfirmAction
        title={`Delete loader ${code}?`}
        description="It stops running and disappears from the list. The signals it collected are kept."
        onConfirm={() => run("delete", `${code} deleted`)}
      >
        <Button variant={compact ? "ghost" : "outline"} size={compact ? "icon" : "default"} aria-label={`Delete ${code}`}>
          <Trash2 className="text-destructive" />{!compact && " Delete"}
        </Button>
      </ConfirmAction>
    </div>
  );
}

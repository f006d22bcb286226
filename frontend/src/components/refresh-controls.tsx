import { RefreshCw } from "lucide-react";
import { Button } from "./ui/button";
import { Switch } from "./ui/switch";
import { Label } from "./ui/label";
import { useAgo } from "@/lib/use-ticker";

interface Props {
  updatedAt?: number;
  fetching: boolean;
  auto: boolean;
  onAutoChange: (auto: boolean) => void;
  onRefresh: () => void;
  seconds?: number;
}

/** Refresh now, the auto-refresh toggle and the "last updated" stamp. */
export function RefreshControls({ updatedAt, fetching, auto, onAutoChange, onRefresh, seconds = 30 }: Props) {
  const ago = useAgo(updatedAt);
  return (
    <div className="flex items-center gap-3">
      <span className="text-xs text-muted-foreground" data-testid="last-updated" title={updatedAt ? new Date(updatedAt).toLocaleString() : undefined}>
        Last updated {ago}
      </span>
      <div className="flex items-center gap-1.5">
        <Switch id="auto-refresh" checked={auto} onCheckedChange={onAutoChange} />
        <Label htmlFor="auto-refresh" className="text-xs font-normal">Auto-refresh {seconds} s</Label>
      </div>
      <Button variant="outline" size="sm" onClick={onRefresh} disabled={fetching} aria-label="Refresh">
        <RefreshCw className={fetching ? "animate-spin" : undefined} /> Refresh
      </Button>
    </div>
  );
}

import { useState } from "react";
import { CalendarClock } from "lucide-react";
import { Button } from "./ui/button";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { Popover, PopoverContent, PopoverTrigger } from "./ui/popover";
import { PRESETS, fromLocalInput, rangeLabel, resolveRange, toLocalInput, type TimeRange } from "@/lib/time-range";
import { cn } from "@/lib/utils";

/** Preset buttons (1h … 30d) plus a custom absolute range. */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const [open, setOpen] = useState(false);
  const current = resolveRange(value);
  const [from, setFrom] = useState(toLocalInput(current.from));
  const [to, setTo] = useState(toLocalInput(current.to));
  const [error, setError] = useState<string | null>(null);

  const apply = () => {
    const f = fromLocalInput(from);
    const t = fromLocalInput(to);
    if (f === null || t === null) return setError("Enter both dates.");
    if (f >= t) return setError("The start must be before the end.");
    setError(null);
    onChange({ preset: "custom", from: f, to: t });
    setOpen(false);
  };

  return (
    <div className="flex items-center gap-1" role="group" aria-label="Time range">
      <div className="inline-flex rounded-md border bg-background p-0.5 shadow-sm">
        {PRESETS.map((p) => (
          <button
            key={p.value}
            type="button"
            title={p.label}
            aria-pressed={value.preset === p.value}
            onClick={() => onChange({ preset: p.value })}
            className={cn(
              "rounded px-2.5 py-1 text-xs font-medium text-muted-foreground transition-colors hover:text-foreground",
              value.preset === p.value && "bg-primary text-primary-foreground hover:text-primary-foreground",
            )}
          >
            {p.value}
          </button>
        ))}
      </div>
      <Popover open={open} onOpenChange={(o) => {
        setOpen(o);
        if (o) { const r = resolveRange(value); setFrom(toLocalInput(r.from)); setTo(toLocalInput(r.to)); }
      }}>
        <PopoverTrigger asChild>
          <Button variant={value.preset === "custom" ? "default" : "outline"} size="sm" aria-label="Custom range">
            <CalendarClock /> {value.preset === "custom" ? rangeLabel(value) : "Custom"}
          </Button>
        </PopoverTrigger>
        <PopoverContent align="end" className="w-80 space-y-3">
          <div className="space-y-1.5">
            <Label htmlFor="range-from">From</Label>
            <Input id="range-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="range-to">To</Label>
            <Input id="range-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          {error && <p className="text-xs font-medium text-destructive" role="alert">{error}</p>}
          <div className="flex justify-end gap-2">
            <Button variant="outline" size="sm" onClick={() => setOpen(false)}>Cancel</Button>
            <Button size="sm" onClick={apply}>Apply</Button>
          </div>
        </PopoverContent>
      </Popover>
    </div>
  );
}

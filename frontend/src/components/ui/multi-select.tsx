import { ChevronDown } from "lucide-react";
import { Popover, PopoverContent, PopoverTrigger } from "./popover";
import { Checkbox } from "./checkbox";
import { cn } from "@/lib/utils";

export interface Option {
  value: string;
  label: string;
}

interface Props {
  options: Option[];
  value: string[];
  onChange: (value: string[]) => void;
  placeholder?: string;
  emptyText?: string;
  id?: string;
  disabled?: boolean;
  className?: string;
  invalid?: boolean;
}

/** A checkbox list in a popover: the segment multi-select of the editor and the explorer. */
export function MultiSelect({ options, value, onChange, placeholder = "Select…", emptyText = "Nothing to choose from", id, disabled, className, invalid }: Props) {
  const toggle = (v: string) => onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v]);
  const labels = options.filter((o) => value.includes(o.value)).map((o) => o.label);
  return (
    <Popover>
      <PopoverTrigger asChild disabled={disabled}>
        <button
          id={id}
          type="button"
          aria-invalid={invalid}
          className={cn(
            "flex h-9 w-full items-center justify-between gap-2 rounded-md border border-input bg-background px-3 text-left text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50 aria-[invalid=true]:border-destructive",
            className,
          )}
        >
          <span className={cn("truncate", labels.length === 0 && "text-muted-foreground")}>
            {labels.length === 0 ? placeholder : labels.length <= 2 ? labels.join(", ") : `${labels.length} selected`}
          </span>
          <ChevronDown className="h-4 w-4 opacity-60" />
        </button>
      </PopoverTrigger>
      <PopoverContent className="max-h-72 w-[var(--radix-popover-trigger-width)] min-w-56 overflow-y-auto p-1">
        {options.length === 0 && <p className="px-2 py-1.5 text-sm text-muted-foreground">{emptyText}</p>}
        {options.map((o) => (
          <label key={o.value} className="flex cursor-pointer items-center gap-2 rounded-sm px-2 py-1.5 text-sm hover:bg-accent">
            <Checkbox checked={value.includes(o.value)} onCheckedChange={() => toggle(o.value)} aria-label={o.label} />
            <span className="truncate">{o.label}</span>
          </label>
        ))}
        {value.length > 0 && (
          <button type="button" className="mt-1 w-full rounded-sm px-2 py-1 text-left text-xs text-muted-foreground hover:bg-accent" onClick={() => onChange([])}>
            Clear selection
          </button>
        )}
      </PopoverContent>
    </Popover>
  );
}

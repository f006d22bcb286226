import { Plus, Trash2 } from "lucide-react";
import type { DashboardDefinition } from "@/api/types";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export type DashboardVariable = NonNullable<DashboardDefinition["variables"]>[number];

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What is wrong with each variable (by index), as the API would say it; empty when all is well. */
export function variableProblems(variables: DashboardVariable[]): Record<number, string> {
  const problems: Record<number, string> = {};
  const seen = new Set<string>();
  variables.forEach((v, i) => {
    if (!NAME.test(v.name)) problems[i] = "A name starts with a letter or _ and has only letters, digits and _";
    else if (seen.has(v.name)) problems[i] = `“${v.name}” is already a variable of this dashboard`;
    else if (v.options?.length && v.default && !v.options.includes(v.default)) problems[i] = "The default must be one of the options";
    seen.add(v.name);
  });
  return problems;
}

function parseOptions(text: string): string[] {
  return text.split(",").map((o) => o.trim()).filter(Boolean);
}

/** Dashboard variables: each feeds the chart parameter of the same name (e.g. loaderCode). */
export function VariablesEditor({ value, onChange }: { value: DashboardVariable[]; onChange: (next: DashboardVariable[]) => void }) {
  const problems = variableProblems(value);
  const update = (i: number, patch: Partial<DashboardVariable>) => onChange(value.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  return (
    <div className="space-y-2" aria-label="Dashboard variables">
      <div className="flex items-center justify-between">
        <div>
          <p className="text-sm font-medium">Variables</p>
          <p className="text-xs text-muted-foreground">Each one feeds the chart parameter of the same name; viewers pick values above the charts.</p>
        </div>
        <Button type="button" variant="outline" size="sm" onClick={() => onChange([...value, { name: "", label: "", default: "", options: [] }])}>
          <Plus /> Add variable
        </Button>
      </div>
      {value.length === 0 && <p className="text-sm text-muted-foreground">No variables.</p>}
      {value.map((v, i) => (
        // Rows remount when one is added or removed, so the uncontrolled options text follows its row.
        <div key={`${value.length}-${i}`} className="grid gap-2 md:grid-cols-[1fr_1fr_1fr_2fr_auto]">
          <Input aria-label={`Variable ${i + 1} name`} aria-invalid={!!problems[i]} placeholder="name, e.g. loaderCode" value={v.name}
            onChange={(e) => update(i, { name: e.target.value.trim() })} />
          <Input aria-label={`Variable ${i + 1} label`} placeholder="label (optional)" value={v.label ?? ""} onChange={(e) => update(i, { label: e.target.value })} />
          <Input aria-label={`Variable ${i + 1} default`} placeholder="default" value={v.default ?? ""} onChange={(e) => update(i, { default: e.target.value })} />
          {/* Not controlled: the text keeps the comma being typed while the list is parsed from it. */}
          <Input aria-label={`Variable ${i + 1} options`} placeholder="options, comma-separated (optional)"
            defaultValue={(v.options ?? []).join(", ")} onChange={(e) => update(i, { options: parseOptions(e.target.value) })} />
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove variable ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            <Trash2 />
          </Button>
          {problems[i] && <p role="alert" className="text-xs text-destructive md:col-span-5">{problems[i]}</p>}
        </div>
      ))}
    </div>
  );
}

/** The variables as the API takes them: empty labels and defaults left out. */
export function cleanVariables(variables: DashboardVariable[]): DashboardVariable[] {
  return variables.map((v) => ({
    name: v.name,
    ...(v.label?.trim() ? { label: v.label.trim() } : {}),
    ...(v.default?.trim() ? { default: v.default.trim() } : {}),
    options: v.options ?? [],
  }));
}

import { Controller, useFieldArray, type UseFormReturn } from "react-hook-form";
import { Plus, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { Label } from "@/components/ui/label";
import { COMPARE_TO, OPERATORS, type RuleForm, type RuleFormInput } from "./rule-form";

type Form = UseFormReturn<RuleFormInput, unknown, RuleForm>;

function RowError({ messages }: { messages: Array<string | undefined> }) {
  const text = messages.filter(Boolean).join(" · ");
  return text ? <p className="col-span-full text-xs font-medium text-destructive" role="alert">{text}</p> : null;
}

/** Condition builder: metric OPERATOR threshold, held for a duration of data. */
export function ConditionsCard({ form }: { form: Form }) {
  const { control, register, formState: { errors } } = form;
  const rows = useFieldArray({ control, name: "conditions" });
  const metric = form.watch("metric");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Conditions</CardTitle>
        <CardDescription>Fires when every condition holds for its duration of data (all must hold).</CardDescription>
      </CardHeader>
      <CardContent className="space-y-2">
        {rows.fields.map((f, i) => {
          const e = errors.conditions?.[i];
          return (
            <div key={f.id} className="grid grid-cols-[90px_110px_1fr_auto_90px_auto] items-center gap-2" data-testid="condition-row">
              <span className="truncate font-mono text-xs text-muted-foreground">{metric}</span>
              <NativeSelect aria-label={`Condition ${i + 1} operator`} {...register(`conditions.${i}.operator`)}>
                {OPERATORS.map((o) => <option key={o} value={o}>{o}</option>)}
              </NativeSelect>
              <Input aria-label={`Condition ${i + 1} threshold`} inputMode="decimal" placeholder="threshold" aria-invalid={!!e?.threshold} {...register(`conditions.${i}.threshold`)} />
              <span className="text-xs text-muted-foreground">for</span>
              <Input aria-label={`Condition ${i + 1} duration`} placeholder="5m" aria-invalid={!!e?.duration} {...register(`conditions.${i}.duration`)} />
              <Button type="button" variant="ghost" size="icon" className="group-disabled:hidden" aria-label={`Remove condition ${i + 1}`} onClick={() => rows.remove(i)}><X /></Button>
              <RowError messages={[e?.threshold?.message, e?.duration?.message]} />
            </div>
          );
        })}
        {errors.conditions?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.conditions.message}</p>}
        {errors.conditions?.root?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.conditions.root.message}</p>}
        <Button type="button" variant="outline" size="sm" className="group-disabled:hidden" disabled={rows.fields.length >= 5} onClick={() => rows.append({ operator: ">", threshold: "", duration: "5m" })}>
          <Plus /> Add condition
        </Button>
      </CardContent>
    </Card>
  );
}

/** Compare with the same moment yesterday, last week or last (calendar) month. */
export function BaselineCard({ form }: { form: Form }) {
  const { control, register, watch, formState: { errors } } = form;
  const enabled = watch("baselineEnabled");
  const mode = watch("baseline.mode");
  const e = errors.baseline;
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between space-y-0">
        <div className="space-y-1">
          <CardTitle>Baseline</CardTitle>
          <CardDescription>Fire on a change against the past instead of (or as well as) a fixed threshold.</CardDescription>
        </div>
        <div className="flex items-center gap-2">
          <Controller control={control} name="baselineEnabled" render={({ field }) => (
            <Switch id="rule-baseline" checked={field.value} onCheckedChange={field.onChange} />
          )} />
          <Label htmlFor="rule-baseline" className="font-normal">Compare</Label>
        </div>
      </CardHeader>
      {enabled && (
        <CardContent className="grid grid-cols-2 gap-3">
          <Field label="Compare with" htmlFor="baseline-compare">
            <NativeSelect id="baseline-compare" {...register("baseline.compareTo")}>
              {COMPARE_TO.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </NativeSelect>
          </Field>
          <Field label="As" htmlFor="baseline-mode">
            <NativeSelect id="baseline-mode" {...register("baseline.mode")}>
              <option value="percent">Percent change</option>
              <option value="ratio">Ratio (now ÷ then)</option>
            </NativeSelect>
          </Field>
          <Field label="Operator" htmlFor="baseline-operator">
            <NativeSelect id="baseline-operator" {...register("baseline.operator")}>{OPERATORS.map((o) => <option key={o} value={o}>{o}</option>)}</NativeSelect>
          </Field>
          <Field label={mode === "ratio" ? "Ratio" : "Change (%)"} htmlFor="baseline-threshold" error={e?.threshold?.message}>
            <Input id="baseline-threshold" inputMode="decimal" aria-invalid={!!e?.threshold} {...register("baseline.threshold")} placeholder={mode === "ratio" ? "1.5" : "50"} />
          </Field>
          <Field label="Window" htmlFor="baseline-window" error={e?.window?.message} hint="Aggregated now and at the same time before">
            <Input id="baseline-window" aria-invalid={!!e?.window} {...register("baseline.window")} placeholder="1h" />
          </Field>
        </CardContent>
      )}
    </Card>
  );
}

/** Several windows, each scoring its weight when its condition holds; fires above the score threshold. */
export function WindowsCard({ form }: { form: Form }) {
  const { control, register, watch, formState: { errors } } = form;
  const rows = useFieldArray({ control, name: "windows" });
  const weights = watch("windows").reduce((s, w) => s + (Number(w.weight) || 0), 0);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Weighted windows</CardTitle>
        <CardDescription>Each window whose condition holds adds its weight to the score (weights add up to 1).</CardDescription>
      </CardHeader>
      <CardContent className="space-y-2">
        {rows.fields.length > 0 && (
          <div className="grid grid-cols-[1fr_1fr_90px_1fr_auto] gap-2 text-xs font-medium text-muted-foreground" aria-hidden>
            <span>Window</span><span>Weight</span><span>When</span><span>Threshold</span><span className="w-9" />
          </div>
        )}
        {rows.fields.map((f, i) => {
          const e = errors.windows?.[i];
          return (
            <div key={f.id} className="grid grid-cols-[1fr_1fr_90px_1fr_auto] items-center gap-2" data-testid="window-row">
              <Input aria-label={`Window ${i + 1} length`} placeholder="5m" aria-invalid={!!e?.window} {...register(`windows.${i}.window`)} />
              <Input aria-label={`Window ${i + 1} weight`} inputMode="decimal" placeholder="weight" aria-invalid={!!e?.weight} {...register(`windows.${i}.weight`)} />
              <NativeSelect aria-label={`Window ${i + 1} operator`} {...register(`windows.${i}.operator`)}>{OPERATORS.map((o) => <option key={o} value={o}>{o}</option>)}</NativeSelect>
              <Input aria-label={`Window ${i + 1} threshold`} inputMode="decimal" placeholder="threshold" aria-invalid={!!e?.threshold} {...register(`windows.${i}.threshold`)} />
              <Button type="button" variant="ghost" size="icon" className="group-disabled:hidden" aria-label={`Remove window ${i + 1}`} onClick={() => rows.remove(i)}><X /></Button>
              <RowError messages={[e?.window?.message, e?.weight?.message, e?.threshold?.message]} />
            </div>
          );
        })}
        {rows.fields.length > 0 && (
          <div className="grid grid-cols-2 items-end gap-3 pt-1">
            <Field label="Score threshold" htmlFor="rule-score" error={errors.scoreThreshold?.message} hint="Fire when the score reaches this (0–1)">
              <Input id="rule-score" inputMode="decimal" {...register("scoreThreshold")} placeholder="0.6" aria-invalid={!!errors.scoreThreshold} />
            </Field>
            {!errors.windows?.root && !errors.windows?.message && (
              <p className={Math.abs(weights - 1) > 1e-6 ? "pb-2 text-xs font-medium text-warning" : "pb-2 text-xs text-muted-foreground"}>
                Weights add up to {+weights.toFixed(4)}
              </p>
            )}
          </div>
        )}
        {errors.windows?.root?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.windows.root.message}</p>}
        {errors.windows?.message && <p className="text-xs font-medium text-destructive" role="alert">{errors.windows.message}</p>}
        <Button type="button" variant="outline" size="sm" className="group-disabled:hidden" disabled={rows.fields.length >= 6}
          onClick={() => rows.append({ window: rows.fields.length ? "1h" : "5m", weight: "", operator: ">", threshold: "" })}>
          <Plus /> Add window
        </Button>
      </CardContent>
    </Card>
  );
}

export function LabelsCard({ form }: { form: Form }) {
  const { control, register, formState: { errors } } = form;
  const rows = useFieldArray({ control, name: "labels" });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Labels</CardTitle>
        <CardDescription>Route notifications, group incidents and match silences (e.g. team=payments).</CardDescription>
      </CardHeader>
      <CardContent className="space-y-2">
        {rows.fields.map((f, i) => (
          <div key={f.id} className="grid grid-cols-[1fr_1fr_auto] items-center gap-2">
            <Input aria-label={`Label ${i + 1} name`} placeholder="team" aria-invalid={!!errors.labels?.[i]?.key} {...register(`labels.${i}.key`)} />
            <Input aria-label={`Label ${i + 1} value`} placeholder="payments" {...register(`labels.${i}.value`)} />
            <Button type="button" variant="ghost" size="icon" className="group-disabled:hidden" aria-label={`Remove label ${i + 1}`} onClick={() => rows.remove(i)}><X /></Button>
            <RowError messages={[errors.labels?.[i]?.key?.message]} />
          </div>
        ))}
        <Button type="button" variant="outline" size="sm" className="group-disabled:hidden" onClick={() => rows.append({ key: "", value: "" })}><Plus /> Add label</Button>
      </CardContent>
    </Card>
  );
}

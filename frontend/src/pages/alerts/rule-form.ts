import { z } from "zod";
import type { Chart, Metric } from "@/api/types";
import type { Operator, RuleDefinition, Severity } from "@/api/alerts";

/** The rule editor's form ↔ the API's rule definition, and the checks the API makes, in words. */

export const OPERATORS: Operator[] = [">", ">=", "<", "<=", "==", "!="];
export const SEVERITIES: Severity[] = ["INFO", "WARNING", "HIGH", "CRITICAL"];
export const COMPARE_TO = [
  { value: "yesterday", label: "Yesterday, same time" },
  { value: "lastWeek", label: "Last week, same time" },
  { value: "lastMonth", label: "Last month, same day and time" },
] as const;

const DURATION = /^(\d+)([smhdw])$/;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `30s`, `5m`, `1h`, `1d`, `2w` → seconds; null when it is not such a duration. */
export function durationSeconds(text: string): number | null {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT[m[2]] : null;
}

const duration = (what: string, { allowZero = true } = {}) =>
  z.string().trim().superRefine((v, ctx) => {
    const s = durationSeconds(v);
    if (s === null) ctx.addIssue({ code: "custom", message: `${what}: write a duration like 30s, 5m, 1h or 1d` });
    else if (!allowZero && s === 0) ctx.addIssue({ code: "custom", message: `${what} must be longer than 0s` });
    else if (s > 31 * 86400) ctx.addIssue({ code: "custom", message: `${what} must be at most 31d` });
  });

const number = (what: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : v.trim() === "" ? NaN : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `Enter a number for the ${what}` });
      return z.NEVER;
    }
    return n;
  });

const operator = z.enum([">", ">=", "<", "<=", "==", "!="]);

export const ruleSchema = z.object({
  ruleName: z.string().trim().min(1, "Give the rule a name").max(200, "At most 200 characters"),
  description: z.string().max(2000, "At most 2000 characters"),
  chartId: z.string().min(1, "Choose the chart the rule watches"),
  loaderCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "The chart does not name a loader (choose a value for its loader parameter)"),
  metric: z.enum(["avgVal", "sumVal", "minVal", "maxVal", "recCount"], { errorMap: () => ({ message: "Choose a metric of the chart" }) }),
  segmentCode: z.string(),
  chartParams: z.array(z.object({ name: z.string(), value: z.string() })),
  conditions: z.array(z.object({ operator, threshold: number("threshold"), duration: duration("Duration") })).max(5, "At most 5 conditions"),
  baselineEnabled: z.boolean(),
  baseline: z.object({
    compareTo: z.enum(["yesterday", "lastWeek", "lastMonth"]),
    mode: z.enum(["percent", "ratio"]),
    operator,
    threshold: number("baseline threshold"),
    window: duration("Window", { allowZero: false }),
  }),
  windows: z.array(z.object({
    window: duration("Window", { allowZero: false }),
    weight: number("weight").refine((w) => w > 0 && w <= 1, "A weight is between 0 (excluded) and 1"),
    operator,
    threshold: number("threshold"),
  })).max(6, "At most 6 windows"),
  scoreThreshold: z.string(),
  severity: z.enum(["INFO", "WARNING", "HIGH", "CRITICAL"]),
  suppressionWindow: duration("Suppression window"),
  noData: z.enum(["ok", "keep", "alert"]),
  evaluationInterval: duration("Evaluation interval"),
  labels: z.array(z.object({ key: z.string().trim(), value: z.string().trim() })).max(20, "At most 20 labels"),
}).superRefine((f, ctx) => {
  if (!f.conditions.length && !f.baselineEnabled && !f.windows.length) {
    ctx.addIssue({ code: "custom", path: ["conditions"], message: "A rule needs at least a condition, a baseline or weighted windows" });
  }
  const interval = durationSeconds(f.evaluationInterval);
  if (interval !== null && interval < 10) ctx.addIssue({ code: "custom", path: ["evaluationInterval"], message: "Evaluate at most every 10s" });
  f.conditions.forEach((c, i) => {
    const d = durationSeconds(c.duration);
    if (interval !== null && d !== null && d > 0 && d < interval) {
      ctx.addIssue({ code: "custom", path: ["conditions", i, "duration"], message: `Shorter than the evaluation interval (${f.evaluationInterval})` });
    }
  });
  if (f.windows.length) {
    const total = f.windows.reduce((sum, w) => sum + (Number(w.weight) || 0), 0);
    if (Math.abs(total - 1) > 1e-6) ctx.addIssue({ code: "custom", path: ["windows"], message: `The weights must add up to 1 (they add up to ${+total.toFixed(4)})` });
    const score = Number(f.scoreThreshold);
    if (f.scoreThreshold.trim() === "" || !(score > 0 && score <= 1)) {
      ctx.addIssue({ code: "custom", path: ["scoreThreshold"], message: "With weighted windows, give a score threshold between 0 and 1" });
    }
  }
  const keys = new Set<string>();
  f.labels.forEach((l, i) => {
    if (!l.key) ctx.addIssue({ code: "custom", path: ["labels", i, "key"], message: "Give the label a name" });
    else if (keys.has(l.key)) ctx.addIssue({ code: "custom", path: ["labels", i, "key"], message: "This label appears twice" });
    keys.add(l.key);
  });
  f.chartParams.forEach((p, i) => {
    if (!p.value.trim()) ctx.addIssue({ code: "custom", path: ["chartParams", i, "value"], message: `Give a value for ${p.name}` });
  });
});

export type RuleFormInput = z.input<typeof ruleSchema>;
export type RuleForm = z.output<typeof ruleSchema>;

export const DEFAULT_BASELINE = { compareTo: "lastWeek", mode: "percent", operator: ">", threshold: 50, window: "1h" } as const;

export function emptyRuleForm(): RuleFormInput {
  return {
    ruleName: "", description: "", chartId: "", loaderCode: "", metric: "avgVal", segmentCode: "", chartParams: [],
    conditions: [{ operator: ">", threshold: "", duration: "5m" }],
    baselineEnabled: false, baseline: { ...DEFAULT_BASELINE }, windows: [], scoreThreshold: "",
    severity: "WARNING", suppressionWindow: "30m", noData: "keep", evaluationInterval: "30s", labels: [],
  };
}

/** What a chart fixes for its rules: the loader (or its parameter), the metrics, the segments. */
export interface ChartFacts {
  loaderCode: string | null;
  loaderParam: boolean;
  metrics: Metric[];
  segments: string[];
  parameters: Array<{ name: string; default: string }>;
}

export function chartFacts(chart: Chart | null | undefined): ChartFacts {
  const def = chart?.definition;
  const raw = def?.dataSource?.params?.loaderCode;
  const loader = typeof raw === "string" ? raw : null;
  const seg = def?.dataSource?.params?.segmentCode;
  return {
    loaderCode: loader && !loader.startsWith("${") ? loader : null,
    loaderParam: !!loader && loader.startsWith("${"),
    metrics: (def?.visualization?.yAxis?.length ? def.visualization.yAxis : ["avgVal"]) as Metric[],
    segments: Array.isArray(seg) ? seg.map(String) : typeof seg === "string" && seg ? [seg] : [],
    parameters: (def?.parameters ?? []).map((p) => ({ name: p.name, default: p.default ?? "" })),
  };
}

/** A fresh form for "alert on this chart": loader, first metric and template parameters come from it. */
export function formForChart(chart: Chart): RuleFormInput {
  const facts = chartFacts(chart);
  const params = facts.parameters.filter((p) => p.name !== "loaderCode");
  const loaderDefault = facts.parameters.find((p) => p.name === "loaderCode")?.default ?? "";
  return {
    ...emptyRuleForm(),
    ruleName: `${chart.definition.chartName} alert`,
    chartId: chart.id,
    loaderCode: facts.loaderCode ?? loaderDefault,
    metric: facts.metrics[0],
    chartParams: params.map((p) => ({ name: p.name, value: p.default })),
  };
}

const num = (v: number | string) => (typeof v === "number" ? v : Number(v));

/** The validated form → the API's definition (empty parts left out, as the API stores them). */
export function formToRule(f: RuleForm): RuleDefinition {
  const rule: RuleDefinition = {
    ruleName: f.ruleName.trim(),
    chartId: f.chartId,
    loaderCode: f.loaderCode,
    metric: f.metric,
    conditions: f.conditions.map((c) => ({ operator: c.operator, threshold: num(c.threshold), duration: c.duration.trim() })),
    severity: f.severity,
    suppressionWindow: f.suppressionWindow.trim(),
    noData: f.noData,
    evaluationInterval: f.evaluationInterval.trim(),
  };
  if (f.description.trim()) rule.description = f.description.trim();
  if (f.segmentCode) rule.segmentCode = f.segmentCode;
  const params = Object.fromEntries(f.chartParams.map((p) => [p.name, p.value.trim()]));
  if (Object.keys(params).length) rule.chartParams = params;
  if (f.baselineEnabled) rule.baseline = { ...f.baseline, threshold: num(f.baseline.threshold), window: f.baseline.window.trim() };
  if (f.windows.length) {
    rule.windows = f.windows.map((w) => ({ window: w.window.trim(), weight: num(w.weight), operator: w.operator, threshold: num(w.threshold) }));
    rule.scoreThreshold = Number(f.scoreThreshold);
  }
  const labels = Object.fromEntries(f.labels.filter((l) => l.key).map((l) => [l.key, l.value]));
  if (Object.keys(labels).length) rule.labels = labels;
  return rule;
}

/** A stored definition → the editor's fields. */
export function ruleToForm(r: RuleDefinition): RuleFormInput {
  return {
    ruleName: r.ruleName,
    description: r.description ?? "",
    chartId: r.chartId,
    loaderCode: r.loaderCode,
    metric: r.metric,
    segmentCode: r.segmentCode ?? "",
    chartParams: Object.entries(r.chartParams ?? {}).map(([name, value]) => ({ name, value })),
    conditions: (r.conditions ?? []).map((c) => ({ operator: c.operator, threshold: c.threshold, duration: c.duration ?? "0s" })),
    baselineEnabled: !!r.baseline,
    baseline: r.baseline ? { ...r.baseline, mode: r.baseline.mode ?? "percent", window: r.baseline.window ?? "1h" } : { ...DEFAULT_BASELINE },
    windows: (r.windows ?? []).map((w) => ({ ...w })),
    scoreThreshold: r.scoreThreshold == null ? "" : String(r.scoreThreshold),
    severity: r.severity,
    suppressionWindow: r.suppressionWindow ?? "30m",
    noData: r.noData ?? "keep",
    evaluationInterval: r.evaluationInterval ?? "30s",
    labels: Object.entries(r.labels ?? {}).map(([key, value]) => ({ key, value })),
  };
}

/** One line saying what the rule checks, for the table. */
export function describeRule(r: RuleDefinition): string {
  const parts: string[] = [];
  for (const c of r.conditions ?? []) {
    parts.push(`${r.metric} ${c.operator} ${c.threshold}${c.duration && c.duration !== "0s" ? ` for ${c.duration}` : ""}`);
  }
  if (r.baseline) {
    const unit = r.baseline.mode === "ratio" ? "×" : "%";
    parts.push(`vs ${r.baseline.compareTo} ${r.baseline.operator} ${r.baseline.threshold}${unit}`);
  }
  if (r.windows?.length) parts.push(`score of ${r.windows.length} windows ≥ ${r.scoreThreshold}`);
  return parts.join(" · ") || "—";
}

/** `body.conditions[0].duration` → `conditions.0.duration` (a form path), or null outside the form. */
export function formPath(field: string | null | undefined): string | null {
  if (!field) return null;
  const path = field.replace(/^body\./, "").replace(/\[(\d+)\]/g, ".$1");
  const root = path.split(".")[0];
  return ["ruleName", "description", "chartId", "loaderCode", "metric", "segmentCode", "conditions", "windows", "scoreThreshold",
    "severity", "suppressionWindow", "noData", "evaluationInterval", "labels"].includes(root) ? path
    : root === "baseline" ? path : root === "chartParams" ? "chartParams" : null;
}

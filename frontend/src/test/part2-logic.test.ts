import { describe, expect, it } from "vitest";
import type { Chart } from "@/api/types";
import type { BacktestResult } from "@/api/alerts";
import { attachmentProblem, cleanFilters } from "@/api/incidents";
import { MASK } from "@/api/jira";
import { crumbsFor } from "@/lib/breadcrumbs";
import {
  chartFacts, describeRule, durationSeconds, emptyRuleForm, formForChart, formPath, formToRule, ruleSchema, ruleToForm, type RuleFormInput,
} from "@/pages/alerts/rule-form";
import { buildBacktestOption, firingWindows } from "@/pages/alerts/backtest-option";
import { parseLabels, silenceProblems } from "@/pages/alerts/silences";
import { transitionFor, transitionProblem } from "@/pages/incidents/lifecycle";
import { alertWindow } from "@/pages/incidents/related-alerts";
import { defaultRcaRange } from "@/pages/incidents/rca-card";
import { filtersFromParams } from "@/pages/incidents/incidents-page";
import { formatWait, formToGroup, formToPolicy, groupSchema, groupToForm, policySchema, policyToForm } from "@/pages/notifications/forms";
import { configToForm, formToConfig, jiraSchema } from "@/pages/integrations/jira-form";
import { changedKeys } from "@/pages/admin/audit-page";
import { sendProblems } from "@/pages/notifications/send-dialog";
import { newUserSchema } from "@/pages/admin/user-forms";

const CHART_ID = "3f1c2d4e-0000-4000-8000-000000000001";
const chart = (params: Record<string, unknown>, extra: Partial<Chart["definition"]> = {}): Chart => ({
  id: CHART_ID, version: 1,
  definition: { chartName: "Errors", chartType: "line", dataSource: { params }, visualization: { yAxis: ["maxVal", "avgVal"] }, ...extra },
});

function messages(input: RuleFormInput): string[] {
  const r = ruleSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

function valid(over: Partial<RuleFormInput> = {}): RuleFormInput {
  return { ...formForChart(chart({ loaderCode: "ORDERS" })), conditions: [{ operator: ">", threshold: "30", duration: "5m" }], ...over };
}

describe("rule form", () => {
  it("reads durations like the API does", () => {
    expect(durationSeconds("30s")).toBe(30);
    expect(durationSeconds("5m")).toBe(300);
    expect(durationSeconds("2w")).toBe(1_209_600);
    expect(durationSeconds("5 minutes")).toBeNull();
  });

  it("takes loader, first metric and template parameters from the chart", () => {
    const form = formForChart(chart({ loaderCode: "ORDERS" }));
    expect(form).toMatchObject({ chartId: CHART_ID, loaderCode: "ORDERS", metric: "maxVal", ruleName: "Errors alert" });
    const template = chart({ loaderCode: "${loaderCode}" }, { parameters: [{ name: "loaderCode", default: "PAYMENTS" }, { name: "region", default: "eu" }] });
    expect(chartFacts(template)).toMatchObject({ loaderCode: null, loaderParam: true });
    expect(formForChart(template)).toMatchObject({ loaderCode: "PAYMENTS", chartParams: [{ name: "region", value: "eu" }] });
  });

  it("says which field is wrong, in words", () => {
    expect(messages(valid())).toEqual([]);
    expect(messages(valid({ conditions: [] }))).toContain("conditions: A rule needs at least a condition, a baseline or weighted windows");
    expect(messages(valid({ conditions: [{ operator: ">", threshold: "", duration: "5m" }] }))).toContain("conditions.0.threshold: Enter a number for the threshold");
    expect(messages(valid({ conditions: [{ operator: ">", threshold: 1, duration: "5 min" }] }))).toContain("conditions.0.duration: Duration: write a duration like 30s, 5m, 1h or 1d");
    expect(messages(valid({ conditions: [{ operator: ">", threshold: 1, duration: "20s" }] }))).toContain("conditions.0.duration: Shorter than the evaluation interval (30s)");
    expect(messages(valid({ evaluationInterval: "5s" }))).toContain("evaluationInterval: Evaluate at most every 10s");
    const windows = valid({ windows: [{ window: "5m", weight: "0.5", operator: ">", threshold: "1" }, { window: "1h", weight: "0.3", operator: ">", threshold: "1" }] });
    expect(messages(windows)).toEqual(expect.arrayContaining([
      "windows: The weights must add up to 1 (they add up to 0.8)",
      "scoreThreshold: With weighted windows, give a score threshold between 0 and 1",
    ]));
    expect(messages(valid({ labels: [{ key: "team", value: "a" }, { key: "team", value: "b" }] }))).toContain("labels.1.key: This label appears twice");
  });

  it("writes the API's definition and reads it back", () => {
    const input = valid({
      severity: "CRITICAL", description: " pages the team ", labels: [{ key: "team", value: "payments" }],
      baselineEnabled: true, baseline: { compareTo: "lastMonth", mode: "ratio", operator: ">", threshold: "1.5", window: "1h" },
      windows: [{ window: "5m", weight: "0.6", operator: ">", threshold: "10" }, { window: "1h", weight: "0.4", operator: ">", threshold: "5" }],
      scoreThreshold: "0.6",
    });
    const rule = formToRule(ruleSchema.parse(input));
    expect(rule).toEqual({
      ruleName: "Errors alert", description: "pages the team", chartId: CHART_ID, loaderCode: "ORDERS", metric: "maxVal",
      conditions: [{ operator: ">", threshold: 30, duration: "5m" }], severity: "CRITICAL", suppressionWindow: "30m", noData: "keep",
      evaluationInterval: "30s", labels: { team: "payments" },
      baseline: { compareTo: "lastMonth", mode: "ratio", operator: ">", threshold: 1.5, window: "1h" },
      windows: [{ window: "5m", weight: 0.6, operator: ">", threshold: 10 }, { window: "1h", weight: 0.4, operator: ">", threshold: 5 }],
      scoreThreshold: 0.6,
    });
    expect(formToRule(ruleSchema.parse(ruleToForm(rule)))).toEqual(rule);
    expect(describeRule(rule)).toBe("maxVal > 30 for 5m · vs lastMonth > 1.5× · score of 2 windows ≥ 0.6");
    expect(formToRule(ruleSchema.parse(valid()))).not.toHaveProperty("baseline");
  });

  it("puts the API's field errors next to the right input", () => {
    expect(formPath("body.conditions[0].duration")).toBe("conditions.0.duration");
    expect(formPath("body.metric")).toBe("metric");
    expect(formPath("body.baseline.window")).toBe("baseline.window");
    expect(formPath("query.page")).toBeNull();
    expect(emptyRuleForm().conditions).toHaveLength(1);
  });
});

describe("backtest chart", () => {
  const result: BacktestResult = {
    metric: "avgVal", threshold: 30,
    timeline: [0, 60, 120, 180, 240].map((t, i) => ({ timestamp: 1000 + t, value: [10, 40, 45, 12, 50][i], state: "OK" })),
    firings: [{ from: 1060, to: 1180, peakValue: 45 }, { from: 1240, to: null, peakValue: 50 }],
  };

  it("shades every firing window; one still open lasts to the last point", () => {
    expect(firingWindows(result)).toEqual([
      { from: 1060, to: 1180, peak: 45, seriesKey: "", suppressed: false },
      { from: 1240, to: 1240, peak: 50, seriesKey: "", suppressed: false },
    ]);
  });

  it("draws the series, the threshold line and the firing areas", () => {
    const option = buildBacktestOption(result, { units: "errors" });
    const series = (option.series as Array<Record<string, any>>)[0];
    expect(series.data[1]).toEqual([1_060_000, 40]);
    expect(series.markLine.data).toEqual([{ yAxis: 30 }]);
    expect(series.markArea.data.map((pair: Array<{ xAxis: number }>) => pair.map((p) => p.xAxis))).toEqual([[1_060_000, 1_180_000], [1_240_000, 1_240_000]]);
    expect((option.yAxis as { name: string }).name).toBe("errors");
  });
});

describe("silences", () => {
  it("parses labels and refuses a silence that matches nothing or ends first", () => {
    expect(parseLabels("team=payments, env = prod")).toEqual({ team: "payments", env: "prod" });
    expect(parseLabels("team")).toBeNull();
    const draft = { ruleId: "", loaderCode: "", labels: "", from: "2026-01-02T10:00", to: "2026-01-02T09:00", reason: "" };
    expect(silenceProblems(draft)).toEqual({
      ruleId: "Choose a rule, a loader or labels to match", to: "The end must be after the start",
      reason: "Say why alerts are silenced (e.g. planned maintenance)",
    });
    expect(silenceProblems({ ...draft, loaderCode: "ORDERS", to: "2026-01-02T12:00", reason: "upgrade" })).toEqual({});
  });
});

describe("incidents", () => {
  it("asks for a note to resolve and a reason to close", () => {
    const resolve = transitionFor("INVESTIGATING", "RESOLVED");
    expect(resolve).toMatchObject({ label: "Resolve", field: "note", required: true });
    expect(transitionProblem(resolve, " ")).toBe("A resolution note is required to resolve an incident");
    expect(transitionProblem(resolve, "rolled back")).toBeNull();
    expect(transitionProblem(transitionFor("RESOLVED", "CLOSED"), "")).toBe("A reason is required to close an incident");
    expect(transitionFor("RESOLVED", "INVESTIGATING")).toMatchObject({ label: "Reopen", required: false });
    expect(transitionFor("NEW", "INVESTIGATING")).toMatchObject({ label: "Start investigating", required: false });
  });

  it("checks an attachment's type and size before uploading", () => {
    expect(attachmentProblem({ name: "app.LOG", size: 10 })).toBeNull();
    expect(attachmentProblem({ name: "tool.exe", size: 10 })).toBe("Files of type .exe are not accepted; use PDF, PNG, JPG, TXT or LOG.");
    expect(attachmentProblem({ name: "README", size: 10 })).toBe("The file needs an extension (PDF, PNG, JPG, TXT or LOG).");
    expect(attachmentProblem({ name: "empty.txt", size: 0 })).toBe("The file is empty.");
    expect(attachmentProblem({ name: "big.pdf", size: 11 * 1024 * 1024 })).toBe("The file is 11.0 MB; at most 10.0 MB are accepted.");
  });

  it("keeps filters in the URL and drops the empty ones", () => {
    const f = filtersFromParams(new URLSearchParams("q=disk&status=NEW&status=INVESTIGATING&severity=CRITICAL&assignee="));
    expect(cleanFilters(f)).toEqual({ q: "disk", status: ["NEW", "INVESTIGATING"], severity: ["CRITICAL"] });
  });

  it("frames related charts and the RCA around the alerts", () => {
    const alerts = [{ alertId: "a", triggeredAt: "2026-01-01T10:00:00Z", resolvedAt: "2026-01-01T10:20:00Z", linkedAt: "" }];
    const t = Date.parse("2026-01-01T10:00:00Z") / 1000;
    expect(alertWindow(alerts, Date.parse("2026-01-02T00:00:00Z"))).toEqual({ from: t - 3600, to: t + 1200 + 1800 });
    const incident = { createdAt: "2026-01-01T10:01:00Z", resolvedAt: "2026-01-01T11:00:00Z", closedAt: null, alerts } as never;
    expect(defaultRcaRange(incident, Date.parse("2026-01-02T00:00:00Z"))).toEqual({ from: t - 3600, to: t + 3600 + 300 });
  });
});

describe("notifications", () => {
  it("a member needs an address in a valid format", () => {
    const issues = (member: Record<string, string>) => {
      const r = groupSchema.safeParse({ name: "On-call", description: "", members: [{ name: "Alex", email: "", phone: "", webhookUrl: "", ...member }] });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues({ phone: "0151" })).toEqual(["members.0.phone: Use the international format, e.g. +4915112345678"]);
    expect(issues({})).toEqual(["members.0.email: Give an e-mail, a phone number or a webhook URL"]);
    expect(issues({ phone: "+4915112345678" })).toEqual([]);
    expect(groupSchema.safeParse({ name: "", description: "", members: [] }).success).toBe(false);
  });

  it("keeps user links of members the form does not show", () => {
    const group = { id: "g", name: "Ops", members: [{ name: "Alex", email: "a@x.io", userId: "u1", channels: ["email" as const] }], createdAt: "", updatedAt: "" };
    expect(formToGroup(groupToForm(group), group).members[0]).toEqual({ name: "Alex", email: "a@x.io", phone: null, webhookUrl: null, userId: "u1", channels: ["email"] });
  });

  it("edits an escalation policy without losing its labels or user targets", () => {
    const policy = {
      id: "p", name: "Ladder", levels: [{ channels: ["email" as const], targets: [{ contactGroupId: "g1" }, { userId: "u1" }], waitSeconds: 300 }],
      repeat: 1, match: { severities: ["CRITICAL" as const], loaderCodes: ["ORDERS"], labels: { team: "pay" } }, isDefault: false, createdAt: "", updatedAt: "",
    };
    const back = formToPolicy(policySchema.parse(policyToForm(policy)), policy);
    expect(back).toEqual({ name: "Ladder", description: null, isDefault: false, repeat: 1, match: policy.match, levels: policy.levels });
    const bad = policySchema.safeParse({ ...policyToForm(null), name: "x", loaderCodes: "orders" });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.message)).toEqual(expect.arrayContaining([
      "Pick at least one contact group to notify", "Loader codes are upper snake case, separated by commas",
    ]));
    expect([formatWait(0), formatWait(90), formatWait(600), formatWait(7200)]).toEqual(["no wait", "90 s", "10 min", "2 h"]);
  });
});

describe("manual notifications", () => {
  it("checks the address against the channel", () => {
    const draft = { channel: "sms" as const, to: "address" as const, recipient: "oncall@example.com", groupId: "", subject: "Test", message: "Hello" };
    expect(sendProblems(draft)).toEqual({ recipient: "A phone number in the international format, e.g. +4915112345678" });
    expect(sendProblems({ ...draft, recipient: "+4915112345678" })).toEqual({});
    expect(sendProblems({ ...draft, channel: "email" })).toEqual({});
    expect(sendProblems({ ...draft, to: "group", subject: " ", message: "" })).toEqual({
      groupId: "Choose a contact group", subject: "Give the message a subject", message: "Write the message",
    });
  });
});

describe("Jira configuration", () => {
  const stored = {
    baseUrl: "https://acme.atlassian.net", deploymentType: "CLOUD" as const, email: "bot@acme.io", apiToken: "***", projectKey: "OPS",
    issueType: "Incident", priorityMap: { CRITICAL: "Highest" }, statusMap: { toJira: { RESOLVED: "Done" }, fromJira: { Done: "RESOLVED" } },
    userMap: { alex: "5b10" }, webhookSecret: "***",
  };

  it("never shows a stored secret and keeps it when left empty", () => {
    const form = configToForm(stored);
    expect(form.apiToken).toBe("");
    expect(form.hasStoredToken).toBe(true);
    const body = formToConfig(jiraSchema.parse(form));
    expect(body).toMatchObject({ apiToken: MASK, webhookSecret: MASK, priorityMap: { CRITICAL: "Highest" }, userMap: { alex: "5b10" },
      statusMap: { toJira: { RESOLVED: "Done" }, fromJira: { Done: "RESOLVED" } } });
    expect(formToConfig(jiraSchema.parse({ ...form, apiToken: "new-token" })).apiToken).toBe("new-token");
  });

  it("asks for what each deployment signs in with", () => {
    const fresh = { ...configToForm(null), baseUrl: "https://jira.acme.io", projectKey: "OPS", webhookSecret: "0123456789abcdef" };
    const cloud = jiraSchema.safeParse(fresh);
    expect(cloud.success ? [] : cloud.error.issues.map((i) => i.path[0])).toEqual(["email", "apiToken"]);
    const dc = jiraSchema.safeParse({ ...fresh, deploymentType: "DATA_CENTER" });
    expect(dc.success ? [] : dc.error.issues.map((i) => i.message)).toEqual(["Data Center signs in with a personal access token"]);
  });
});

describe("administration", () => {
  it("checks a new user like the API", () => {
    const r = newUserSchema.safeParse({ username: "a b", email: "x", role: "VIEWER", password: "short", confirm: "other" });
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual([
      "Letters, digits and . _ @ - only", "Not an e-mail address", "At least 8 characters", "The passwords do not match",
    ]);
  });

  it("lists what an audited change changed", () => {
    expect(changedKeys({ status: "NEW", title: "x" }, { status: "RESOLVED", title: "x", note: "n" })).toEqual(["note", "status"]);
    expect(changedKeys(null, null)).toEqual([]);
  });

  it("names the part-2 sections in the breadcrumbs", () => {
    expect(crumbsFor("/alerts/history", {}).map((c) => c.label)).toEqual(["Alerts", "History"]);
    expect(crumbsFor("/dashboards/x/history", {}).map((c) => c.label)).toEqual(["Dashboards", "x", "Version history"]);
    expect(crumbsFor("/admin/audit", {}).map((c) => c.label)).toEqual(["Administration", "Audit log"]);
  });
});

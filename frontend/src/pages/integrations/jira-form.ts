import { z } from "zod";
import { MASK, type JiraConfig } from "@/api/jira";

/** The Jira configuration form ↔ the API body; secrets left empty keep their stored value. */
export const SEVERITIES = ["CRITICAL", "HIGH", "WARNING", "INFO"] as const;
export const STATUSES = ["NEW", "INVESTIGATING", "RESOLVED", "CLOSED"] as const;

const pairs = z.array(z.object({ from: z.string().trim(), to: z.string().trim() }));

export const jiraSchema = z.object({
  baseUrl: z.string().trim().regex(/^https?:\/\/\S+$/, "The address of your Jira site, e.g. https://acme.atlassian.net"),
  deploymentType: z.enum(["CLOUD", "DATA_CENTER"]),
  email: z.string().trim(),
  apiToken: z.string(),
  personalAccessToken: z.string(),
  projectKey: z.string().trim().regex(/^[A-Z][A-Z0-9_]{0,49}$/, "The project key in capitals, e.g. OPS"),
  issueType: z.string().trim().min(1, "The issue type to create, e.g. Incident or Bug"),
  webhookSecret: z.string(),
  priorityMap: z.record(z.string()),
  toJira: z.record(z.string()),
  fromJira: pairs,
  userMap: pairs,
  hasStoredToken: z.boolean(),
  hasStoredPat: z.boolean(),
  hasStoredSecret: z.boolean(),
}).superRefine((f, ctx) => {
  if (f.deploymentType === "CLOUD") {
    if (!f.email) ctx.addIssue({ code: "custom", path: ["email"], message: "Jira Cloud signs in with the account's e-mail" });
    if (!f.apiToken && !f.hasStoredToken) ctx.addIssue({ code: "custom", path: ["apiToken"], message: "Paste an API token of that account" });
  } else if (!f.personalAccessToken && !f.hasStoredPat) {
    ctx.addIssue({ code: "custom", path: ["personalAccessToken"], message: "Data Center signs in with a personal access token" });
  }
  if (f.webhookSecret && f.webhookSecret.length < 16) ctx.addIssue({ code: "custom", path: ["webhookSecret"], message: "At least 16 characters" });
  if (!f.webhookSecret && !f.hasStoredSecret) ctx.addIssue({ code: "custom", path: ["webhookSecret"], message: "Choose a secret of at least 16 characters (Jira signs its webhooks with it)" });
  f.fromJira.forEach((p, i) => {
    if (p.from && !(STATUSES as readonly string[]).includes(p.to)) ctx.addIssue({ code: "custom", path: ["fromJira", i, "to"], message: "Choose one of our statuses" });
  });
});
export type JiraForm = z.infer<typeof jiraSchema>;

const stored = (v: string | null | undefined) => !!v && v.length > 0;

export function configToForm(c: JiraConfig | null | undefined): JiraForm {
  return {
    baseUrl: c?.baseUrl ?? "",
    deploymentType: c?.deploymentType ?? "CLOUD",
    email: c?.email ?? "",
    apiToken: "",
    personalAccessToken: "",
    webhookSecret: "",
    projectKey: c?.projectKey ?? "",
    issueType: c?.issueType ?? "Incident",
    priorityMap: Object.fromEntries(SEVERITIES.map((s) => [s, c?.priorityMap?.[s] ?? ""])),
    toJira: Object.fromEntries(STATUSES.map((s) => [s, c?.statusMap?.toJira?.[s] ?? ""])),
    fromJira: Object.entries(c?.statusMap?.fromJira ?? {}).map(([from, to]) => ({ from, to })),
    userMap: Object.entries(c?.userMap ?? {}).map(([from, to]) => ({ from, to })),
    hasStoredToken: stored(c?.apiToken),
    hasStoredPat: stored(c?.personalAccessToken),
    hasStoredSecret: stored(c?.webhookSecret),
  };
}

const nonEmpty = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
const fromPairs = (p: Array<{ from: string; to: string }>) => Object.fromEntries(p.filter((x) => x.from && x.to).map((x) => [x.from, x.to]));

export function formToConfig(f: JiraForm): Partial<JiraConfig> {
  return {
    baseUrl: f.baseUrl.trim().replace(/\/+$/, ""),
    deploymentType: f.deploymentType,
    email: f.deploymentType === "CLOUD" ? f.email.trim() || null : null,
    // "***" (or nothing) tells the API to keep the stored secret.
    apiToken: f.apiToken || (f.hasStoredToken ? MASK : null),
    personalAccessToken: f.personalAccessToken || (f.hasStoredPat ? MASK : null),
    webhookSecret: f.webhookSecret || MASK,
    projectKey: f.projectKey.trim(),
    issueType: f.issueType.trim(),
    priorityMap: nonEmpty(f.priorityMap),
    statusMap: { toJira: nonEmpty(f.toJira), fromJira: fromPairs(f.fromJira) },
    userMap: fromPairs(f.userMap),
  };
}

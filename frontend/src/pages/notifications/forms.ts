import { z } from "zod";
import type { Channel, ContactGroup, ContactGroupInput, Policy, PolicyInput } from "@/api/notifications";

/** Contact group and escalation policy forms: the API's rules (vigil/notifications/schemas.py) in words. */

const E164 = /^\+[1-9][0-9]{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const memberSchema = z.object({
  name: z.string().trim().min(1, "Name the member"),
  email: z.string().trim().refine((v) => !v || EMAIL.test(v), "Not an e-mail address"),
  phone: z.string().trim().refine((v) => !v || E164.test(v), "Use the international format, e.g. +4915112345678"),
  webhookUrl: z.string().trim().refine((v) => !v || /^https?:\/\//.test(v), "Starts with http:// or https://"),
}).superRefine((m, ctx) => {
  if (!m.email && !m.phone && !m.webhookUrl) ctx.addIssue({ code: "custom", path: ["email"], message: "Give an e-mail, a phone number or a webhook URL" });
});

export const groupSchema = z.object({
  name: z.string().trim().min(1, "Name the group").max(200, "At most 200 characters"),
  description: z.string().max(2000, "At most 2000 characters"),
  members: z.array(memberSchema).min(1, "A group needs at least one member"),
});
export type GroupForm = z.infer<typeof groupSchema>;

export function groupToForm(g?: ContactGroup | null): GroupForm {
  return {
    name: g?.name ?? "",
    description: g?.description ?? "",
    members: g?.members.length
      ? g.members.map((m) => ({ name: m.name, email: m.email ?? "", phone: m.phone ?? "", webhookUrl: m.webhookUrl ?? "" }))
      : [{ name: "", email: "", phone: "", webhookUrl: "" }],
  };
}

export function formToGroup(f: GroupForm, original?: ContactGroup | null): ContactGroupInput {
  return {
    name: f.name.trim(),
    description: f.description.trim() || null,
    members: f.members.map((m, i) => ({
      // Keep what the form does not edit (user links, channel preferences) for members that stay.
      ...(original?.members[i] && original.members[i].name === m.name ? { userId: original.members[i].userId ?? null, channels: original.members[i].channels ?? null } : {}),
      name: m.name.trim(), email: m.email.trim() || null, phone: m.phone.trim() || null, webhookUrl: m.webhookUrl.trim() || null,
    })),
  };
}

export const levelSchema = z.object({
  channels: z.array(z.enum(["email", "sms", "ivr", "webhook"])).min(1, "Pick at least one channel"),
  groups: z.array(z.string()),
  users: z.array(z.string()),
  waitSeconds: z.coerce.number({ invalid_type_error: "Enter the wait in seconds" }).int("Whole seconds").min(0, "At least 0").max(86400, "At most 86400 s (a day)"),
}).superRefine((l, ctx) => {
  if (l.groups.length + l.users.length === 0) ctx.addIssue({ code: "custom", path: ["groups"], message: "Pick at least one contact group to notify" });
});

export const policySchema = z.object({
  name: z.string().trim().min(1, "Name the policy").max(200, "At most 200 characters"),
  description: z.string().max(2000),
  isDefault: z.boolean(),
  repeat: z.coerce.number().int().min(0, "0 to 5").max(5, "0 to 5"),
  severities: z.array(z.enum(["INFO", "WARNING", "HIGH", "CRITICAL"])),
  loaderCodes: z.string().refine((v) => v.split(",").map((s) => s.trim()).filter(Boolean).every((c) => /^[A-Z][A-Z0-9_]*$/.test(c)), "Loader codes are upper snake case, separated by commas"),
  levels: z.array(levelSchema).min(1, "A policy needs at least one level").max(10, "At most 10 levels"),
});
export type PolicyForm = z.infer<typeof policySchema>;
export type PolicyFormInput = z.input<typeof policySchema>;

export function policyToForm(p?: Policy | null): PolicyFormInput {
  return {
    name: p?.name ?? "",
    description: p?.description ?? "",
    isDefault: p?.isDefault ?? false,
    repeat: p?.repeat ?? 0,
    severities: p?.match?.severities ?? [],
    loaderCodes: (p?.match?.loaderCodes ?? []).join(", "),
    levels: p?.levels.length
      ? p.levels.map((l) => ({
        channels: l.channels,
        groups: l.targets.map((t) => t.contactGroupId).filter((x): x is string => !!x),
        users: l.targets.map((t) => t.userId).filter((x): x is string => !!x),
        waitSeconds: l.waitSeconds,
      }))
      : [{ channels: ["email" as Channel], groups: [], users: [], waitSeconds: 300 }],
  };
}

export function formToPolicy(f: PolicyForm, original?: Policy | null): PolicyInput {
  const loaderCodes = f.loaderCodes.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    name: f.name.trim(),
    description: f.description.trim() || null,
    isDefault: f.isDefault,
    repeat: f.repeat,
    match: { severities: f.severities, loaderCodes, labels: original?.match?.labels ?? {} },
    levels: f.levels.map((l) => ({
      channels: l.channels,
      targets: [...l.groups.map((contactGroupId) => ({ contactGroupId })), ...l.users.map((userId) => ({ userId }))],
      waitSeconds: l.waitSeconds,
    })),
  };
}

export function formatWait(seconds: number): string {
  if (seconds === 0) return "no wait";
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { itemsOf } from "./list";
import type { Page } from "./types";
import type { Severity } from "./alerts";

/** Shapes of functions/notifications (API.md "Notifications", vigil/notifications/schemas.py). */
export type Channel = "email" | "sms" | "ivr" | "webhook";
export const CHANNELS: Channel[] = ["email", "sms", "ivr", "webhook"];
export type DeliveryStatus = "queued" | "sent" | "delivered" | "failed";

export interface Member {
  name: string;
  email?: string | null;
  phone?: string | null;
  userId?: string | null;
  webhookUrl?: string | null;
  channels?: Channel[] | null;
}
export interface ContactGroup { id: string; name: string; description?: string | null; members: Member[]; createdAt: string; updatedAt: string }
export interface ContactGroupInput { name: string; description?: string | null; members: Member[] }

export interface Target { contactGroupId?: string | null; userId?: string | null }
export interface Level { channels: Channel[]; targets: Target[]; waitSeconds: number }
export interface PolicyMatch { severities?: Severity[]; loaderCodes?: string[]; labels?: Record<string, string> }
export interface Policy {
  id: string; name: string; description?: string | null; levels: Level[]; repeat: number; match: PolicyMatch;
  isDefault: boolean; createdAt: string; updatedAt: string;
}
export interface PolicyInput { name: string; description?: string | null; levels: Level[]; repeat: number; match?: PolicyMatch | null; isDefault: boolean }

export interface LogEntry {
  id: number; deliveryId: string; channel: Channel; provider: string; recipient: string; template: string;
  status: DeliveryStatus; attempt: number; error?: string | null; eventId: string; subjectType?: string | null;
  subjectId?: string | null; level?: number | null; createdAt: string; sentAt?: string | null; deliveredAt?: string | null;
}
export interface LogFilters {
  channel?: Channel; status?: DeliveryStatus; recipient?: string; template?: string; since?: string; until?: string;
  subjectType?: "alert" | "incident"; subjectId?: string;
}

const GROUPS = "/api/v1/notifications/contact-groups";
const POLICIES = "/api/v1/notifications/escalation-policies";

export const notificationKeys = {
  groups: ["contact-groups"] as const,
  policies: ["escalation-policies"] as const,
  log: (f: LogFilters, page: number) => ["notification-log", f, page] as const,
};

export function useContactGroups() {
  return useQuery({ queryKey: notificationKeys.groups, queryFn: async () => itemsOf(await api.get<Page<ContactGroup>>(GROUPS, { page: 0, size: 200 })) });
}

export function useSaveContactGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: ContactGroupInput }) =>
      id ? api.put<ContactGroup>(`${GROUPS}/${id}`, input) : api.post<ContactGroup>(GROUPS, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.groups }),
  });
}

export function useDeleteContactGroup() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete(`${GROUPS}/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.groups }) });
}

export function usePolicies() {
  return useQuery({ queryKey: notificationKeys.policies, queryFn: async () => itemsOf(await api.get<Page<Policy>>(POLICIES, { page: 0, size: 200 })) });
}

export function useSavePolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: PolicyInput }) =>
      id ? api.put<Policy>(`${POLICIES}/${id}`, input) : api.post<Policy>(POLICIES, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.policies }),
  });
}

export function useDeletePolicy() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete(`${POLICIES}/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.policies }) });
}

export function useDeliveryLog(filters: LogFilters, page = 0, size = 50) {
  return useQuery({
    queryKey: notificationKeys.log(filters, page),
    queryFn: () => api.get<Page<LogEntry>>("/api/v1/notifications/log", { ...filters, page, size }),
    placeholderData: keepPreviousData,
  });
}

export interface Escalation {
  id: string; subjectType: "alert" | "incident"; subjectId: string; policyId?: string | null;
  status: "PENDING" | "RUNNING" | "NO_POLICY" | "ACKNOWLEDGED" | "RESOLVED" | "SUPERSEDED"; executionArn?: string | null; steps: number;
  acknowledgedBy?: string | null; createdAt: string; startedAt?: string | null; stoppedAt?: string | null;
}

export function useEscalations(status = "", page = 0) {
  return useQuery({
    queryKey: ["escalations", status, page],
    queryFn: () => api.get<Page<Escalation>>("/api/v1/notifications/escalations", { status: status || undefined, page, size: 50 }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useSendNotification() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { channel: Channel; recipient?: string; targets?: Target[]; subject?: string; message?: string }) =>
      api.post<{ requestId: string; status?: string }>("/api/v1/notifications/send", b),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["notification-log"] }),
  });
}

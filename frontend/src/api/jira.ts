import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Page } from "./types";

/** Shapes of functions/integrations (API.md "Jira", vigil/integrations/jira/schemas.py). */
export type DeploymentType = "CLOUD" | "DATA_CENTER";
export const MASK = "***";

export interface JiraConfig {
  baseUrl: string;
  deploymentType: DeploymentType;
  email?: string | null;
  apiToken?: string | null;
  personalAccessToken?: string | null;
  projectKey: string;
  issueType: string;
  priorityMap: Record<string, string>;
  statusMap: { toJira?: Record<string, string>; fromJira?: Record<string, string> };
  userMap: Record<string, string>;
  webhookSecret?: string | null;
  integrationAccount?: string | null;
  updatedAt?: string | null;
  updatedBy?: string | null;
}

export interface ConnectionReport { ok: boolean; server?: string | null; account?: string | null; checks: Array<{ name: string; ok: boolean; message: string }> }
export interface Mapping { incidentId: string; jiraKey?: string | null; jiraUrl?: string | null; lastSyncedAt?: string | null; status: "PENDING" | "SYNCED" | "FAILED"; lastError?: string | null }
export interface SyncLogEntry {
  id: number; at: string; direction: "OUT" | "IN"; operation: string; incidentId?: string | null; jiraKey?: string | null;
  method?: string | null; url?: string | null; request?: unknown; responseStatus?: number | null; response?: unknown;
  attempt: number; durationMs?: number | null; outcome: string; error?: string | null;
}
export interface SyncResult { attempted: number; synced: string[]; failed: Array<{ incidentId: string; error: string }> }

const BASE = "/api/v1/integrations/jira";

export const jiraKeys = {
  config: ["jira", "config"] as const,
  mappings: (status: string) => ["jira", "mappings", status] as const,
  log: (outcome: string, page: number) => ["jira", "log", outcome, page] as const,
};

/** 404 means "not configured yet": the page shows an empty form rather than an error. */
export function useJiraConfig() {
  return useQuery({
    queryKey: jiraKeys.config,
    queryFn: async () => {
      try {
        return await api.get<JiraConfig>(`${BASE}/config`);
      } catch (err) {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      }
    },
  });
}

export function useSaveJiraConfig() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (config: Partial<JiraConfig>) => api.put<JiraConfig>(`${BASE}/config`, config),
    onSuccess: (saved) => qc.setQueryData(jiraKeys.config, saved),
  });
}

export function useTestJira() {
  return useMutation({ mutationFn: () => api.post<ConnectionReport>(`${BASE}/test`) });
}

export function useJiraMappings(status = "") {
  return useQuery({
    queryKey: jiraKeys.mappings(status),
    queryFn: () => api.get<Page<Mapping>>(`${BASE}/mappings`, { status: status || undefined, page: 0, size: 200 }),
  });
}

export function useJiraSyncLog(outcome = "", page = 0, enabled = true) {
  return useQuery({
    queryKey: jiraKeys.log(outcome, page),
    queryFn: () => api.get<Page<SyncLogEntry>>(`${BASE}/sync-log`, { outcome: outcome || undefined, page, size: 50 }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useJiraSync() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (incidentId?: string) => api.post<SyncResult>(`${BASE}/sync`, incidentId ? { incidentId } : {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["jira"] }),
  });
}

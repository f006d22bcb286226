import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { itemsOf } from "./list";
import type { Metric, Page } from "./types";

/** Shapes of functions/alerting (API.md "Alerting", vigil/alerting/{models,schemas}.py). */
export type Operator = ">" | "<" | ">=" | "<=" | "==" | "!=";
export type Severity = "INFO" | "WARNING" | "HIGH" | "CRITICAL";
export type RuleStatus = "ACTIVE" | "PAUSED";

export interface Condition { operator: Operator; threshold: number; duration: string }
export interface Baseline {
  compareTo: "yesterday" | "lastWeek" | "lastMonth";
  mode: "percent" | "ratio";
  operator: Operator;
  threshold: number;
  window: string;
}
export interface WeightedWindow { window: string; weight: number; operator: Operator; threshold: number }

export interface RuleDefinition {
  ruleName: string;
  description?: string | null;
  chartId: string;
  loaderCode: string;
  metric: Metric;
  segmentCode?: string | null;
  chartParams?: Record<string, string>;
  conditions: Condition[];
  baseline?: Baseline | null;
  windows?: WeightedWindow[];
  scoreThreshold?: number | null;
  severity: Severity;
  suppressionWindow: string;
  noData?: "ok" | "keep" | "alert";
  labels?: Record<string, string>;
  evaluationInterval?: string;
}

export interface Rule {
  id: string;
  version: number;
  status: RuleStatus;
  firing: boolean;
  definition: RuleDefinition;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  states?: Array<Record<string, unknown>>;
}

export interface TimelinePoint {
  timestamp: number;
  seriesKey?: string;
  value: number | null;
  state: string;
  candidate?: string;
  score?: number | null;
  baselineChange?: number | null;
  silenced?: boolean;
}
export interface Firing { seriesKey?: string; from: number; to: number | null; peakValue: number | null; suppressed?: boolean }
export interface BacktestResult { metric: Metric; threshold: number | null; timeline: TimelinePoint[]; firings: Firing[] }

export interface Alert {
  alertId: string;
  ruleId: string;
  ruleName: string;
  loaderCode: string;
  segmentCode: string | null;
  severity: Severity;
  status: "FIRING" | "RESOLVED";
  triggeredAt: string;
  resolvedAt: string | null;
  currentValue: number | null;
  threshold: number | null;
  labels: Record<string, string>;
  chartId: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  payload?: Record<string, unknown>;
}

export interface Silence {
  id: string;
  ruleId: string | null;
  loaderCode: string | null;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
}
export interface SilenceInput {
  ruleId?: string | null;
  loaderCode?: string | null;
  labels?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  reason: string;
}

export interface Evaluation {
  seriesKey: string;
  evaluatedAt: string;
  state: string;
  candidate: string;
  value: number | null;
  score: number | null;
  heldSeconds: number | null;
  silenced: boolean;
  action: string | null;
}

export interface RuleFilters { q?: string; status?: RuleStatus | "FIRING"; severity?: Severity; loaderCode?: string; chartId?: string }
export interface HistoryFilters {
  ruleId?: string; severity?: Severity; status?: "FIRING" | "RESOLVED"; loaderCode?: string;
  fromEpoch?: number; toEpoch?: number; acknowledged?: boolean; page?: number; size?: number;
}

const RULES = "/api/v1/alerts/rules";

export const alertKeys = {
  rules: ["alert-rules"] as const,
  ruleList: (f: RuleFilters) => ["alert-rules", "list", f] as const,
  rule: (id: string) => ["alert-rules", id] as const,
  evaluations: (id: string) => ["alert-rules", id, "evaluations"] as const,
  history: ["alert-history"] as const,
  historyList: (f: HistoryFilters) => ["alert-history", "list", f] as const,
  alert: (id: string) => ["alert-history", id] as const,
  silences: ["alert-silences"] as const,
};

export function useRules(filters: RuleFilters = {}) {
  return useQuery({
    queryKey: alertKeys.ruleList(filters),
    queryFn: async () => itemsOf(await api.get<Page<Rule>>(RULES, { ...filters, page: 0, size: 500 })),
    placeholderData: keepPreviousData,
  });
}

export function useRule(id: string | undefined) {
  return useQuery({ queryKey: alertKeys.rule(id ?? ""), queryFn: () => api.get<Rule>(`${RULES}/${id}`), enabled: !!id });
}

export function useEvaluations(id: string | undefined) {
  return useQuery({
    queryKey: alertKeys.evaluations(id ?? ""),
    queryFn: async () => itemsOf(await api.get<Page<Evaluation>>(`${RULES}/${id}/evaluations`, { page: 0, size: 20 })),
    enabled: !!id,
  });
}

export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, definition }: { id?: string; definition: RuleDefinition }) =>
      id ? api.put<Rule>(`${RULES}/${id}`, definition) : api.post<Rule>(RULES, definition),
    onSuccess: (rule) => {
      qc.invalidateQueries({ queryKey: alertKeys.rules });
      qc.setQueryData(alertKeys.rule(rule.id), rule);
    },
  });
}

export function useRuleStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: RuleStatus }) => api.put<Rule>(`${RULES}/${id}/status`, { status }),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${RULES}/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

/** Backtest a definition (saved or not) over a past range; nothing is written. */
export function useBacktest() {
  return useMutation({
    mutationFn: (body: { rule?: RuleDefinition; ruleId?: string; fromEpoch: number; toEpoch: number }) =>
      api.post<BacktestResult>(`${RULES}/test`, body),
  });
}

export function useAlertHistory(filters: HistoryFilters, refetchInterval: number | false = false) {
  return useQuery({
    queryKey: alertKeys.historyList(filters),
    queryFn: () => api.get<Page<Alert>>("/api/v1/alerts/history", { ...filters, page: filters.page ?? 0, size: filters.size ?? 50 }),
    placeholderData: keepPreviousData,
    refetchInterval,
  });
}

export function useAlert(id: string | null | undefined) {
  return useQuery({ queryKey: alertKeys.alert(id ?? ""), queryFn: () => api.get<Alert>(`/api/v1/alerts/${id}`), enabled: !!id });
}

export function useAcknowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) => api.post<Alert>(`/api/v1/alerts/${alertId}/acknowledge`),
    onSuccess: (alert) => {
      qc.setQueryData(alertKeys.alert(alert.alertId), alert);
      qc.invalidateQueries({ queryKey: alertKeys.history });
    },
  });
}

export function useSilences(ruleId?: string) {
  return useQuery({
    queryKey: [...alertKeys.silences, ruleId ?? "all"],
    queryFn: async () => itemsOf(await api.get<Page<Silence>>("/api/v1/alerts/silences", { ruleId, page: 0, size: 200 })),
  });
}

export function useCreateSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SilenceInput) => api.post<Silence>("/api/v1/alerts/silences", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.silences }),
  });
}

export function useDeleteSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/alerts/silences/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.silences }),
  });
}

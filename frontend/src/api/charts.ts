import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { itemsOf } from "./list";
import type { Chart, ChartDefinition, Diff, Page, SignalQueryResult, Version } from "./types";

const BASE = "/api/v1/charts";

export const chartKeys = {
  all: ["charts"] as const,
  list: (q: string) => ["charts", "list", q] as const,
  one: (id: string) => ["charts", id] as const,
  data: (id: string, from: number, to: number, vars?: unknown) => ["charts", id, "data", from, to, vars] as const,
  versions: (id: string) => ["charts", id, "versions"] as const,
};

export function useCharts(q = "") {
  return useQuery({
    queryKey: chartKeys.list(q),
    queryFn: async () => itemsOf(await api.get<Page<Chart> | Chart[]>(BASE, { q: q || undefined, page: 0, size: 200 })),
    placeholderData: keepPreviousData,
  });
}

export function useChart(id: string | undefined) {
  return useQuery({ queryKey: chartKeys.one(id ?? ""), queryFn: () => api.get<Chart>(`${BASE}/${id}`), enabled: !!id });
}

/** The definition after extension and parameter defaults: what an inheriting chart really shows. */
export function useResolvedChart(id: string | undefined, version: number | undefined, enabled: boolean) {
  return useQuery({
    queryKey: [...chartKeys.one(id ?? ""), "resolved", version],
    queryFn: () => api.get<ChartDefinition>(`${BASE}/${id}/resolved`),
    enabled: !!id && enabled,
  });
}

export function useChartData(id: string, from: number, to: number, options: { refetchInterval?: number | false; variables?: Record<string, string> } = {}) {
  return useQuery({
    queryKey: chartKeys.data(id, from, to, options.variables),
    queryFn: ({ signal }) => api.get<SignalQueryResult>(`${BASE}/${id}/data`, { fromEpoch: from, toEpoch: to, ...varParams(options.variables) }, signal),
    refetchInterval: options.refetchInterval,
    placeholderData: keepPreviousData,
  });
}

/** Template values travel as `var-<name>=<value>`. */
export function varParams(values?: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== "").map(([k, v]) => [`var-${k}`, v]));
}

export function useChartVersions(id: string) {
  return useQuery({ queryKey: chartKeys.versions(id), queryFn: async () => itemsOf(await api.get<Page<Version>>(`${BASE}/${id}/versions`, { page: 0, size: 100 })) });
}

export function useSaveChart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, definition }: { id?: string; definition: ChartDefinition }) =>
      id ? api.put<Chart>(`${BASE}/${id}`, definition) : api.post<Chart>(BASE, definition),
    onSuccess: (chart) => {
      qc.invalidateQueries({ queryKey: chartKeys.all });
      qc.setQueryData(chartKeys.one(chart.id), chart);
    },
  });
}

export function useDeleteChart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${BASE}/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: chartKeys.all }),
  });
}

export function useDuplicateChart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Chart>(`${BASE}/${id}/duplicate`),
    onSuccess: () => qc.invalidateQueries({ queryKey: chartKeys.all }),
  });
}

export function useChartDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: [...chartKeys.versions(id), "diff", from, to],
    queryFn: () => api.get<Diff>(`${BASE}/${id}/versions/diff`, { from: from!, to: to! }),
    enabled: from !== null && to !== null && from !== to,
  });
}

export function useRollbackChart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.post<Chart>(`${BASE}/${id}/rollback/${version}`, { message: `Rolled back to version ${version}` }),
    onSuccess: (chart) => {
      qc.invalidateQueries({ queryKey: chartKeys.all });
      qc.setQueryData(chartKeys.one(chart.id), chart);
    },
  });
}

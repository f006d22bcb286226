import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { itemsOf } from "./list";
import type { Dashboard, DashboardDefinition, Diff, Page, Version } from "./types";

const BASE = "/api/v1/dashboards";

export const dashboardKeys = {
  all: ["dashboards"] as const,
  one: (id: string) => ["dashboards", id] as const,
  versions: (id: string) => ["dashboards", id, "versions"] as const,
  diff: (id: string, from: number, to: number) => ["dashboards", id, "diff", from, to] as const,
};

export function useDashboards() {
  return useQuery({ queryKey: dashboardKeys.all, queryFn: async () => itemsOf(await api.get<Page<Dashboard> | Dashboard[]>(BASE, { page: 0, size: 200 })) });
}

export function useDashboard(id: string | undefined) {
  return useQuery({ queryKey: dashboardKeys.one(id ?? ""), queryFn: () => api.get<Dashboard>(`${BASE}/${id}`), enabled: !!id });
}

export function useDashboardVersions(id: string) {
  return useQuery({ queryKey: dashboardKeys.versions(id), queryFn: async () => itemsOf(await api.get<Page<Version>>(`${BASE}/${id}/versions`, { page: 0, size: 100 })) });
}

export function useDashboardDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: dashboardKeys.diff(id, from ?? 0, to ?? 0),
    queryFn: () => api.get<Diff>(`${BASE}/${id}/versions/diff`, { from: from!, to: to! }),
    enabled: from !== null && to !== null && from !== to,
  });
}

function invalidate(qc: ReturnType<typeof useQueryClient>, id?: string) {
  qc.invalidateQueries({ queryKey: dashboardKeys.all });
  if (id) qc.invalidateQueries({ queryKey: dashboardKeys.one(id) });
}

export function useSaveDashboard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: DashboardDefinition }) =>
      id ? api.put<Dashboard>(`${BASE}/${id}`, input) : api.post<Dashboard>(BASE, input),
    // The save answer has no resolved charts: refetch the view rather than seeding it.
    onSuccess: (d) => invalidate(qc, d.id),
  });
}

export function useDeleteDashboard() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete(`${BASE}/${id}`), onSuccess: () => invalidate(qc) });
}

export function useDuplicateDashboard() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.post<Dashboard>(`${BASE}/${id}/duplicate`), onSuccess: () => invalidate(qc) });
}

export function useRollbackDashboard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => api.post<Dashboard>(`${BASE}/${id}/rollback/${version}`, { message: `Rolled back to version ${version}` }),
    onSuccess: (d) => invalidate(qc, d.id),
  });
}

export function exportDashboard(id: string): Promise<unknown> {
  return api.get<unknown>(`${BASE}/${id}/export`);
}

export function useImportDashboard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ document, mode }: { document: Record<string, unknown>; mode: "new" | "overwrite" }) =>
      api.post<Dashboard>(`${BASE}/import`, { document, mode }),
    onSuccess: () => invalidate(qc),
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { ALL, itemsOf } from "./list";
import type { ConnectionTest, Page, Source, SourceInput } from "./types";

const BASE = "/api/v1/admin/res/db-sources";

export const sourceKeys = { all: ["sources"] as const, one: (id: string) => ["sources", id] as const };

export function useSources(enabled = true) {
  return useQuery({
    queryKey: sourceKeys.all,
    queryFn: async () => itemsOf(await api.get<Page<Source> | Source[]>(BASE, ALL)),
    enabled,
  });
}

export function useSource(id: string | undefined) {
  return useQuery({ queryKey: sourceKeys.one(id ?? ""), queryFn: () => api.get<Source>(`${BASE}/${id}`), enabled: !!id });
}

export function useSaveSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: SourceInput }) =>
      id ? api.put<Source>(`${BASE}/${id}`, input) : api.post<Source>(BASE, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useDeleteSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`${BASE}/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useTestSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<ConnectionTest>(`${BASE}/${id}/test`),
    onSettled: () => qc.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}


/** ADMIN: let loaders use a non-compliant source (reason required, audited), or withdraw that. */
export function useComplianceOverride() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string | null }) =>
      reason === null
        ? api.delete<Source>(`${BASE}/${id}/compliance-override`)
        : api.post<Source>(`${BASE}/${id}/compliance-override`, { reason }),
    onSuccess: () => qc.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

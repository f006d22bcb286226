import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { ALL, itemsOf } from "./list";
import type { Execution, Loader, LoaderInput, Page, Preview, Segment } from "./types";

const BASE = "/api/v1/res/loaders/loaders";
const SEGMENTS = "/api/v1/res/segments";

export const loaderKeys = {
  all: ["loaders"] as const,
  one: (code: string) => ["loaders", code] as const,
  executions: (code: string) => ["loaders", code, "executions"] as const,
  segments: ["segments"] as const,
};

export function useLoaders() {
  return useQuery({ queryKey: loaderKeys.all, queryFn: async () => itemsOf(await api.get<Page<Loader> | Loader[]>(BASE, ALL)) });
}

export function useLoader(code: string | undefined) {
  return useQuery({ queryKey: loaderKeys.one(code ?? ""), queryFn: () => api.get<Loader>(`${BASE}/${code}`), enabled: !!code });
}

export function useExecutions(code: string, refetchInterval?: number) {
  return useQuery({
    queryKey: loaderKeys.executions(code),
    queryFn: () => api.get<Page<Execution>>(`${BASE}/${code}/executions`, { page: 0, size: 50 }),
    refetchInterval,
  });
}

export function useSegments() {
  return useQuery({ queryKey: loaderKeys.segments, queryFn: async () => itemsOf(await api.get<Page<Segment> | Segment[]>(SEGMENTS, ALL)) });
}

export function useCreateSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (segment: Segment) => api.post<Segment>(SEGMENTS, segment),
    onSuccess: () => qc.invalidateQueries({ queryKey: loaderKeys.segments }),
  });
}

export function useSaveLoader() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ code, input }: { code?: string; input: LoaderInput }) =>
      code ? api.put<Loader>(`${BASE}/${code}`, input) : api.post<Loader>(BASE, input),
    onSuccess: (loader) => {
      qc.invalidateQueries({ queryKey: loaderKeys.all });
      qc.setQueryData(loaderKeys.one(loader.loaderCode), loader);
    },
  });
}

/** Pause, resume, run now, delete: the row and details actions. */
export function useLoaderAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ code, action }: { code: string; action: "pause" | "resume" | "run" | "delete" }) => {
      if (action === "delete") return api.delete(`${BASE}/${code}`);
      return api.post(`${BASE}/${code}/${action}`);
    },
    onSuccess: (_data, { code }) => {
      qc.invalidateQueries({ queryKey: loaderKeys.all });
      qc.invalidateQueries({ queryKey: loaderKeys.one(code) });
      qc.invalidateQueries({ queryKey: loaderKeys.executions(code) });
    },
  });
}

/** Test the SQL against the source: first rows only, nothing written. */
export function usePreview() {
  return useMutation({
    mutationFn: (body: { loaderCode?: string; sourceDatabaseId: string; loaderSql: string; segments?: string[]; timeoutSeconds?: number }) =>
      api.post<Preview>("/api/v1/res/loaders/preview", { ...body, loaderCode: body.loaderCode || undefined }),
  });
}


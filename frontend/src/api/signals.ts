import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { Aggregation, Bucket, SignalQueryResult } from "./types";

export interface SignalQuery {
  loaderCode: string;
  fromEpoch: number;
  toEpoch: number;
  aggregation: Aggregation;
  bucket?: Bucket;
  segmentCode?: string[];
  limit?: number;
}

export function querySignals(q: SignalQuery, signal?: AbortSignal): Promise<SignalQueryResult> {
  return api.get<SignalQueryResult>("/api/v1/signals/query", {
    loaderCode: q.loaderCode,
    fromEpoch: q.fromEpoch,
    toEpoch: q.toEpoch,
    aggregation: q.aggregation,
    bucket: q.aggregation === "raw" ? undefined : q.bucket,
    segmentCode: q.segmentCode,
    limit: q.limit,
  }, signal);
}

export function useSignals(q: SignalQuery | null, refetchInterval: number | false) {
  return useQuery({
    queryKey: ["signals", q],
    queryFn: ({ signal }) => querySignals(q!, signal),
    enabled: !!q,
    refetchInterval,
    placeholderData: keepPreviousData,
  });
}

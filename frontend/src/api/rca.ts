import { api } from "./client";
import { useIncidentMutation } from "./incidents";

/** RCA reports (functions/reports): `POST /api/v1/rca/generate` → a presigned link valid 7 days. */
export interface RcaResult { reportId: string; url: string; expiresAt: string }
export interface RcaRequest { chartIds: string[]; timeRange: { from: number; to: number }; notes?: string }

export const useGenerateRca = (incidentId: string) =>
  useIncidentMutation((b: RcaRequest) => api.post<RcaResult>("/api/v1/rca/generate", { incidentId, ...b }), incidentId);

/** A fresh download link for a stored report. */
export const reportLink = (reportId: string) => api.get<RcaResult>(`/api/v1/rca/reports/${reportId}`);

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, buildUrl } from "./client";
import { ApiError, toApiError } from "./errors";
import { itemsOf } from "./list";
import type { Page } from "./types";
import type { Severity } from "./alerts";
import { useAuth } from "@/lib/auth-store";

/** Shapes of functions/incidents (API.md "Incidents and reports", vigil/incidents/schemas.py). */
export type IncidentStatus = "NEW" | "INVESTIGATING" | "RESOLVED" | "CLOSED";

export interface ExternalTicket { system: string; key: string; url?: string | null }

export interface Incident {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  loaderCode?: string | null;
  assignee?: string | null;
  source: string;
  resolutionNote?: string | null;
  closureReason?: string | null;
  alertCount?: number;
  externalTicket?: ExternalTicket | null;
  allowedTransitions?: IncidentStatus[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string | null;
  resolvedAt?: string | null;
  closedAt?: string | null;
}

export interface LinkedAlert {
  alertId: string;
  ruleId?: string | null;
  ruleName?: string | null;
  loaderCode?: string | null;
  severity?: string | null;
  chartId?: string | null;
  triggeredAt: string;
  resolvedAt?: string | null;
  currentValue?: number | null;
  threshold?: number | null;
  linkedAt: string;
}

export interface Attachment {
  id: string;
  incidentId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export interface Report {
  id: string;
  incidentId: string;
  sizeBytes: number;
  chartIds: string[];
  rangeFrom: string;
  rangeTo: string;
  createdBy: string;
  createdAt: string;
}

export interface IncidentDetail extends Incident {
  alerts: LinkedAlert[];
  attachments: Attachment[];
  reports: Report[];
}

export interface TimelineEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  origin: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface IncidentFilters {
  q?: string;
  status?: IncidentStatus[];
  severity?: Severity[];
  assignee?: string;
  loaderCode?: string;
  from?: string;
  to?: string;
}

const BASE = "/api/v1/incidents";

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (f: IncidentFilters, page: number) => ["incidents", "list", f, page] as const,
  one: (id: string) => ["incidents", id] as const,
  timeline: (id: string) => ["incidents", id, "timeline"] as const,
};

/** Drop empty filters so the query string stays readable (and cache keys stable). */
export function cleanFilters(f: IncidentFilters): IncidentFilters {
  const out: IncidentFilters = {};
  if (f.q?.trim()) out.q = f.q.trim();
  if (f.status?.length) out.status = f.status;
  if (f.severity?.length) out.severity = f.severity;
  if (f.assignee?.trim()) out.assignee = f.assignee.trim();
  if (f.loaderCode?.trim()) out.loaderCode = f.loaderCode.trim();
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  return out;
}

export function useIncidents(filters: IncidentFilters, page = 0, size = 50) {
  const f = cleanFilters(filters);
  return useQuery({
    queryKey: incidentKeys.list(f, page),
    queryFn: () => api.get<Page<Incident>>(BASE, { ...f, page, size }),
    placeholderData: keepPreviousData,
  });
}

export function useIncident(id: string | undefined) {
  return useQuery({ queryKey: incidentKeys.one(id ?? ""), queryFn: () => api.get<IncidentDetail>(`${BASE}/${id}`), enabled: !!id });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: incidentKeys.timeline(id),
    queryFn: async () => itemsOf(await api.get<Page<TimelineEntry>>(`${BASE}/${id}/timeline`, { page: 0, size: 500 })),
  });
}

export function useIncidentMutation<V, R>(fn: (v: V) => Promise<R>, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: incidentKeys.one(id) });
      qc.invalidateQueries({ queryKey: incidentKeys.timeline(id) });
      qc.invalidateQueries({ queryKey: ["incidents", "list"] });
    },
  });
}

export const useChangeStatus = (id: string) =>
  useIncidentMutation((b: { status: IncidentStatus; note?: string; reason?: string }) => api.put<Incident>(`${BASE}/${id}/status`, b), id);
export const useAssign = (id: string) =>
  useIncidentMutation((assignee: string | null) => api.put<Incident>(`${BASE}/${id}/assign`, { assignee }), id);
export const useAddNote = (id: string) =>
  useIncidentMutation((text: string) => api.post<TimelineEntry>(`${BASE}/${id}/notes`, { text }), id);
export const useDeleteAttachment = (id: string) =>
  useIncidentMutation((attachmentId: string) => api.delete(`${BASE}/${id}/attachments/${attachmentId}`), id);

export function useCreateIncident() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { title: string; description?: string; severity: Severity; loaderCode?: string; assignee?: string }) => api.post<Incident>(BASE, b),
    onSuccess: () => qc.invalidateQueries({ queryKey: incidentKeys.all }),
  });
}

export const attachmentLink = (incidentId: string, attachmentId: string) =>
  api.get<{ url: string; expiresAt: string }>(`${BASE}/${incidentId}/attachments/${attachmentId}`);

/** Attachment rules of the API (vigil/incidents/filetypes.py), checked before a byte is sent. */
export const ATTACHMENT_TYPES = ["pdf", "png", "jpg", "jpeg", "txt", "log"];
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export function attachmentProblem(file: { name: string; size: number }, maxBytes = ATTACHMENT_MAX_BYTES): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (!ext) return "The file needs an extension (PDF, PNG, JPG, TXT or LOG).";
  if (!ATTACHMENT_TYPES.includes(ext)) return `Files of type .${ext} are not accepted; use PDF, PNG, JPG, TXT or LOG.`;
  if (file.size === 0) return "The file is empty.";
  if (file.size > maxBytes) return `The file is ${formatBytes(file.size)}; at most ${formatBytes(maxBytes)} are accepted.`;
  return null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Fresh bearer token for requests that bypass the JSON client (uploads, CSV download). */
async function token(): Promise<string | undefined> {
  const s = useAuth.getState().session;
  if (s && s.expiresAt - Date.now() < 60_000) await api.refresh();
  return useAuth.getState().session?.accessToken;
}

/** Multipart upload through XHR, the only browser API that reports upload progress. */
export async function uploadAttachment(incidentId: string, file: File, onProgress: (fraction: number) => void): Promise<Attachment> {
  const bearer = await token();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${BASE}/${incidentId}/attachments`);
    if (bearer) xhr.setRequestHeader("Authorization", `Bearer ${bearer}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, "NETWORK", "The server cannot be reached."));
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as Attachment);
      } else {
        const headers = new Headers();
        const retry = xhr.getResponseHeader("Retry-After");
        if (retry) headers.set("Retry-After", retry);
        reject(await toApiError(new Response(xhr.responseText || null, { status: xhr.status, headers })));
      }
    };
    const body = new FormData();
    body.append("file", file, file.name);
    xhr.send(body);
  });
}

/** The filtered list as CSV, saved under the server's file name. */
export async function downloadCsv(filters: IncidentFilters): Promise<void> {
  const bearer = await token();
  const response = await fetch(buildUrl(`${BASE}/export.csv`, { ...cleanFilters(filters) }), {
    headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
  });
  if (!response.ok) throw await toApiError(response);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = "incidents.csv";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Page, User } from "./types";
import type { Role } from "@/lib/auth-store";

/** Administration (functions/identity): users and the audit log, ADMIN only. */
export interface AuditEntry {
  id: number; at: string; actor: string; actorRole?: string | null; action: string; entityType: string;
  entityId?: string | null; before?: unknown; after?: unknown; requestId?: string | null; clientIp?: string | null;
}
export interface AuditFilters { actor?: string; action?: string; entityType?: string; entityId?: string; since?: string; until?: string }
export interface UserFilters { q?: string; role?: Role; disabled?: boolean }

export const adminKeys = {
  users: ["admin", "users"] as const,
  userList: (f: UserFilters) => ["admin", "users", f] as const,
  audit: (f: AuditFilters, page: number) => ["admin", "audit", f, page] as const,
};

export function useUsers(filters: UserFilters = {}, enabled = true) {
  return useQuery({
    queryKey: adminKeys.userList(filters),
    queryFn: () => api.get<Page<User>>("/api/v1/admin/users", { ...filters, page: 0, size: 500 }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { username: string; password: string; role: Role; email?: string }) => api.post<User>("/api/v1/admin/users", b),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...b }: { id: string; role?: Role; disabled?: boolean; email?: string | null }) => api.put<User>(`/api/v1/admin/users/${id}`, b),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) => api.post(`/api/v1/admin/users/${id}/reset-password`, { password }),
  });
}

export function useAudit(filters: AuditFilters, page = 0, size = 50) {
  return useQuery({
    queryKey: adminKeys.audit(filters, page),
    queryFn: () => api.get<Page<AuditEntry>>("/api/v1/audit", { ...filters, page, size }),
    placeholderData: keepPreviousData,
  });
}

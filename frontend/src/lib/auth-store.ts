import { create } from "zustand";
import { persist } from "zustand/middleware";

export type Role = "ADMIN" | "OPERATOR" | "VIEWER";

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  email?: string | null;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
  user: SessionUser;
}

interface AuthState {
  session: Session | null;
  /** True when the last session ended because it could not be renewed (not a sign-out). */
  expired: boolean;
  setSession: (session: Session) => void;
  clear: (reason?: "signout" | "expired") => void;
}

/** The signed-in session, kept in localStorage so a reload stays signed in (the seed's choice). */
export const useAuth = create<AuthState>()(
  persist(
    (set) => ({
      session: null,
      expired: false,
      setSession: (session) => set({ session, expired: false }),
      clear: (reason = "signout") => set({ session: null, expired: reason === "expired" }),
    }),
    { name: "vigil.session", partialize: (s) => ({ session: s.session }) },
  ),
);

const RANK: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** ADMIN ⊃ OPERATOR ⊃ VIEWER, as the API checks it. */
export function hasRole(user: SessionUser | null | undefined, minimum: Role): boolean {
  return !!user && RANK[user.role] >= RANK[minimum];
}

export function useCan(minimum: Role): boolean {
  return useAuth((s) => hasRole(s.session?.user, minimum));
}

// Tabs share one session: refresh tokens rotate, so a tab must pick up the pair another tab
// just received instead of spending the old (now revoked) one.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === "vigil.session") void useAuth.persist.rehydrate();
  });
}

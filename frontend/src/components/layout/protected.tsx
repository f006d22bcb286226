import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { ShieldAlert } from "lucide-react";
import { useAuth, hasRole, type Role } from "@/lib/auth-store";
import { EmptyState } from "../states";

/** Signed-out visitors go to sign-in (and come back after); a too-low role sees why not. */
export function Protected({ children, role = "VIEWER" }: { children: ReactNode; role?: Role }) {
  const session = useAuth((s) => s.session);
  const expired = useAuth((s) => s.expired);
  const location = useLocation();
  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?${expired ? "expired=1&" : ""}next=${next}`} replace />;
  }
  if (!hasRole(session.user, role)) {
    return (
      <EmptyState
        icon={<ShieldAlert className="h-6 w-6" />}
        title="You do not have access to this page"
        description={`It needs the ${role} role; you are signed in as ${session.user.role}. Ask an administrator if you need it.`}
      />
    );
  }
  return <>{children}</>;
}

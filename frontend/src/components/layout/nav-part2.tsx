import { NavLink } from "react-router-dom";
import { BellRing, Cable, History, Megaphone, ScrollText, Siren, Users, type LucideIcon } from "lucide-react";
import { hasRole, useAuth, type Role } from "@/lib/auth-store";
import { cn } from "@/lib/utils";

/** The sidebar sections of part 2 (alerting, incidents, notifications, administration). */
const SECTIONS: Array<{ title: string; items: Array<{ to: string; label: string; icon: LucideIcon; role: Role; end?: boolean }> }> = [
  {
    title: "Respond",
    items: [
      { to: "/alerts/rules", label: "Alert rules", icon: BellRing, role: "VIEWER" },
      { to: "/alerts/history", label: "Alert history", icon: History, role: "VIEWER" },
      { to: "/incidents", label: "Incidents", icon: Siren, role: "VIEWER" },
      { to: "/notifications", label: "Notifications", icon: Megaphone, role: "VIEWER" },
    ],
  },
  {
    title: "Administration",
    items: [
      { to: "/integrations/jira", label: "Jira integration", icon: Cable, role: "VIEWER" },
      { to: "/admin/users", label: "Users and roles", icon: Users, role: "ADMIN" },
      { to: "/admin/audit", label: "Audit log", icon: ScrollText, role: "ADMIN" },
    ],
  },
];

export function Part2Nav() {
  const user = useAuth((s) => s.session?.user);
  return (
    <>
      {SECTIONS.map((section) => {
        const items = section.items.filter((n) => hasRole(user, n.role));
        if (!items.length) return null;
        return (
          <div key={section.title}>
            <p className="px-2 pb-1 pt-4 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground">{section.title}</p>
            {items.map(({ to, label, icon: Icon, end }) => (
              <NavLink
                key={to}
                to={to}
                end={end}
                className={({ isActive }) => cn(
                  "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-foreground",
                  isActive && "bg-primary/10 text-primary hover:bg-primary/10 hover:text-primary",
                )}
              >
                <Icon className="h-4 w-4" /> {label}
              </NavLink>
            ))}
          </div>
        );
      })}
    </>
  );
}

import { useEffect } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { Activity, ChevronRight, Database, LayoutDashboard, LineChart, LogOut, PieChart, ServerCog, UserCircle2 } from "lucide-react";
import { useQueryClient } from "@tanstack/react-query";
import {
  DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger,
} from "../ui/dropdown-menu";
import { Badge } from "../ui/badge";
import { Part2Nav } from "./nav-part2";
import { api } from "@/api/client";
import { hasRole, useAuth, type Role } from "@/lib/auth-store";
import { crumbsFor, useCrumbLabels } from "@/lib/breadcrumbs";
import { cn } from "@/lib/utils";

const NAV: Array<{ to: string; label: string; icon: typeof Activity; role: Role }> = [
  { to: "/dashboards", label: "Dashboards", icon: LayoutDashboard, role: "VIEWER" },
  { to: "/signals", label: "Signals explorer", icon: LineChart, role: "VIEWER" },
  { to: "/charts", label: "Charts", icon: PieChart, role: "VIEWER" },
  { to: "/loaders", label: "Loaders", icon: ServerCog, role: "VIEWER" },
  { to: "/sources", label: "Sources", icon: Database, role: "OPERATOR" },
];

function Sidebar() {
  const user = useAuth((s) => s.session?.user);
  return (
    <aside className="fixed inset-y-0 left-0 z-20 flex w-60 flex-col border-r bg-background">
      <Link to="/" className="flex h-14 items-center gap-2 border-b px-5 font-semibold tracking-tight">
        <span className="flex h-7 w-7 items-center justify-center rounded-md bg-primary text-primary-foreground"><Activity className="h-4 w-4" /></span>
        Vigil
      </Link>
      <nav className="flex-1 space-y-0.5 p-3" aria-label="Main">
        <p className="px-2 pb-1 pt-2 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground">Monitoring</p>
        {NAV.filter((n) => hasRole(user, n.role)).map(({ to, label, icon: Icon }) => (
          <NavLink
            key={to}
            to={to}
            className={({ isActive }) => cn(
              "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-foreground",
              isActive && "bg-primary/10 text-primary hover:bg-primary/10 hover:text-primary",
            )}
          >
            <Icon className="h-4 w-4" /> {label}
          </NavLink>
        ))}
        <Part2Nav />
      </nav>
      <p className="border-t px-5 py-3 text-xs text-muted-foreground">Monitoring · alerting · incidents</p>
    </aside>
  );
}

function Breadcrumbs() {
  const { pathname } = useLocation();
  const labels = useCrumbLabels((s) => s.labels);
  const crumbs = crumbsFor(pathname, labels);
  return (
    <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1 text-sm">
      <Link to="/" className="text-muted-foreground hover:text-foreground">Home</Link>
      {crumbs.map((c, i) => (
        <span key={c.path} className="flex min-w-0 items-center gap-1">
          <ChevronRight className="h-3.5 w-3.5 shrink-0 text-muted-foreground" />
          {i === crumbs.length - 1
            ? <span className="truncate font-medium" aria-current="page">{c.label}</span>
            : <Link to={c.path} className="truncate text-muted-foreground hover:text-foreground">{c.label}</Link>}
        </span>
      ))}
    </nav>
  );
}

function UserMenu() {
  const user = useAuth((s) => s.session?.user);
  const navigate = useNavigate();
  const qc = useQueryClient();
  if (!user) return null;
  const signOut = async () => {
    await api.logout();
    qc.clear();
    navigate("/login", { replace: true });
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-accent focus:outline-none focus-visible:ring-2 focus-visible:ring-ring" aria-label="User menu">
        <UserCircle2 className="h-5 w-5 text-muted-foreground" />
        <span className="font-medium">{user.username}</span>
        <Badge variant="secondary">{user.role}</Badge>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-56">
        <DropdownMenuLabel>
          <p className="font-medium">{user.username}</p>
          <p className="text-xs text-muted-foreground">{user.email || `Signed in as ${user.role.toLowerCase()}`}</p>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={signOut}><LogOut /> Sign out</DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** Sidebar, header with breadcrumbs and the user menu, and the page. */
export function AppShell() {
  const { pathname } = useLocation();
  useEffect(() => { window.scrollTo(0, 0); }, [pathname]);
  return (
    <div className="min-h-screen">
      <Sidebar />
      <div className="pl-60">
        <header className="sticky top-0 z-10 flex h-14 items-center justify-between gap-4 border-b bg-background/95 px-6 backdrop-blur">
          <Breadcrumbs />
          <UserMenu />
        </header>
        <main className="mx-auto max-w-[1600px] p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import { AppShell } from "@/components/layout/app-shell";
import { Protected } from "@/components/layout/protected";
import { LoadingState, EmptyState } from "@/components/states";
import { Toaster } from "@/components/ui/toast";
import { LoginPage } from "@/pages/auth/login-page";
import { createQueryClient } from "@/lib/query-client";
import type { Role } from "@/lib/auth-store";

// Pages load on demand: ECharts and CodeMirror stay out of the sign-in bundle.
const LoadersPage = lazy(() => import("@/pages/loaders/loaders-page"));
const LoaderDetailsPage = lazy(() => import("@/pages/loaders/loader-details-page"));
const LoaderEditorPage = lazy(() => import("@/pages/loaders/loader-editor-page"));
const SourcesPage = lazy(() => import("@/pages/sources/sources-page"));
const ExplorerPage = lazy(() => import("@/pages/signals/explorer-page"));
const ChartsPage = lazy(() => import("@/pages/charts/charts-page"));
const ChartEditorPage = lazy(() => import("@/pages/charts/chart-editor-page"));
const DashboardsPage = lazy(() => import("@/pages/dashboards/dashboards-page"));
const DashboardViewPage = lazy(() => import("@/pages/dashboards/dashboard-view-page"));
const DashboardEditorPage = lazy(() => import("@/pages/dashboards/dashboard-editor-page"));
const DashboardHistoryPage = lazy(() => import("@/pages/dashboards/dashboard-history-page"));
const RulesPage = lazy(() => import("@/pages/alerts/rules-page"));
const RuleEditorPage = lazy(() => import("@/pages/alerts/rule-editor-page"));
const AlertHistoryPage = lazy(() => import("@/pages/alerts/history-page"));
const IncidentsPage = lazy(() => import("@/pages/incidents/incidents-page"));
const IncidentPage = lazy(() => import("@/pages/incidents/incident-page"));
const NotificationsPage = lazy(() => import("@/pages/notifications/notifications-page"));
const JiraPage = lazy(() => import("@/pages/integrations/jira-page"));
const UsersPage = lazy(() => import("@/pages/admin/users-page"));
const AuditPage = lazy(() => import("@/pages/admin/audit-page"));

function page(node: ReactNode, role: Role = "VIEWER") {
  return (
    <Protected role={role}>
      <Suspense fallback={<LoadingState label="Loading page…" />}>{node}</Suspense>
    </Protected>
  );
}

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    path: "/",
    element: <Protected><AppShell /></Protected>,
    children: [
      { index: true, element: <Navigate to="/dashboards" replace /> },
      { path: "signals", element: page(<ExplorerPage />) },
      { path: "loaders", element: page(<LoadersPage />) },
      { path: "loaders/new", element: page(<LoaderEditorPage />, "OPERATOR") },
      { path: "loaders/:code", element: page(<LoaderDetailsPage />) },
      { path: "loaders/:code/edit", element: page(<LoaderEditorPage />, "OPERATOR") },
      { path: "sources", element: page(<SourcesPage />, "OPERATOR") },
      { path: "charts", element: page(<ChartsPage />) },
      { path: "charts/new", element: page(<ChartEditorPage />, "OPERATOR") },
      { path: "charts/:id", element: page(<ChartEditorPage />) },
      { path: "dashboards", element: page(<DashboardsPage />) },
      { path: "dashboards/new", element: page(<DashboardEditorPage />, "OPERATOR") },
      { path: "dashboards/:id", element: page(<DashboardViewPage />) },
      { path: "dashboards/:id/edit", element: page(<DashboardEditorPage />, "OPERATOR") },
      { path: "dashboards/:id/history", element: page(<DashboardHistoryPage />) },
      { path: "alerts", element: <Navigate to="/alerts/rules" replace /> },
      { path: "alerts/rules", element: page(<RulesPage />) },
      { path: "alerts/rules/new", element: page(<RuleEditorPage />, "OPERATOR") },
      { path: "alerts/rules/:id", element: page(<RuleEditorPage />) },
      { path: "alerts/history", element: page(<AlertHistoryPage />) },
      { path: "incidents", element: page(<IncidentsPage />) },
      { path: "incidents/:id", element: page(<IncidentPage />) },
      { path: "notifications", element: page(<NotificationsPage />) },
      { path: "integrations", element: <Navigate to="/integrations/jira" replace /> },
      { path: "integrations/jira", element: page(<JiraPage />) },
      { path: "admin", element: <Navigate to="/admin/users" replace /> },
      { path: "admin/users", element: page(<UsersPage />, "ADMIN") },
      { path: "admin/audit", element: page(<AuditPage />, "ADMIN") },
      { path: "*", element: <EmptyState title="Page not found" description="The address does not match any page of Vigil." /> },
    ],
  },
], { future: { v7_relativeSplatPath: true, v7_fetcherPersist: true, v7_normalizeFormMethod: true, v7_partialHydration: true, v7_skipActionErrorRevalidation: true } });

const queryClient = createQueryClient();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} future={{ v7_startTransition: true }} />
      <Toaster />
    </QueryClientProvider>
  );
}

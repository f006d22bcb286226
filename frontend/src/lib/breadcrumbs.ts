import { create } from "zustand";

/** Pages register a readable name for an id in the URL (a dashboard's name for its UUID). */
interface CrumbState {
  labels: Record<string, string>;
  set: (path: string, label: string) => void;
}

export const useCrumbLabels = create<CrumbState>()((set) => ({
  labels: {},
  set: (path, label) => set((s) => (s.labels[path] === label ? s : { labels: { ...s.labels, [path]: label } })),
}));

const SECTION: Record<string, string> = {
  signals: "Signals explorer",
  loaders: "Loaders",
  sources: "Sources",
  charts: "Charts",
  dashboards: "Dashboards",
  new: "New",
  edit: "Edit",
  history: "Version history",
  alerts: "Alerts",
  rules: "Rules",
  incidents: "Incidents",
  notifications: "Notifications",
  integrations: "Integrations",
  jira: "Jira",
  admin: "Administration",
  users: "Users",
  audit: "Audit log",
};

export interface Crumb {
  path: string;
  label: string;
}

/** `/dashboards/<id>/edit` → Dashboards › <name> › Edit. */
export function crumbsFor(pathname: string, labels: Record<string, string>): Crumb[] {
  const parts = pathname.split("/").filter(Boolean);
  return parts.map((part, i) => {
    const path = "/" + parts.slice(0, i + 1).join("/");
    // Only dashboards have a version history; /alerts/history is the alert history.
    const label = part === "history" && parts[i - 1] === "alerts" ? "History" : SECTION[part];
    return { path, label: labels[path] ?? label ?? decodeURIComponent(part) };
  });
}

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
    return { path, label: labels[path] ?? SECTION[part] ?? decodeURIComponent(part) };
  });
}

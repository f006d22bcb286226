import { describe, expect, it } from "vitest";
import { fromDashboardRange, resolveRange, toDashboardRange } from "@/lib/time-range";
import { crumbsFor } from "@/lib/breadcrumbs";
import { applyLayout, nextPlacement } from "@/pages/dashboards/dashboard-grid";
import { chartVariables } from "@/pages/dashboards/dashboard-view-page";
import { parseDashboardDocument } from "@/pages/dashboards/import-dialog";
import { safeNext } from "@/pages/auth/login-page";
import { readablePath } from "@/pages/dashboards/dashboard-history-page";
import { hasRole } from "@/lib/auth-store";

const NOW = 1_700_000_000_000;

describe("time ranges", () => {
  it("resolves presets to epoch seconds ending now", () => {
    expect(resolveRange({ preset: "6h" }, NOW)).toEqual({ from: 1_700_000_000 - 21_600, to: 1_700_000_000 });
    expect(resolveRange({ preset: "custom", from: 5, to: 9 }, NOW)).toEqual({ from: 5, to: 9 });
  });

  it("round-trips a dashboard's relative range and keeps absolute ones", () => {
    expect(toDashboardRange({ preset: "7d" })).toEqual({ from: "now-7d", to: "now" });
    expect(fromDashboardRange({ from: "now-7d", to: "now" })).toEqual({ preset: "7d" });
    expect(fromDashboardRange({ from: "now-24h", to: "now" })).toEqual({ preset: "24h" });
    expect(fromDashboardRange({ from: "now-2h", to: "now" }, NOW)).toEqual({ preset: "custom", from: 1_700_000_000 - 7200, to: 1_700_000_000 });
    expect(fromDashboardRange({ from: 100, to: 200 })).toEqual({ preset: "custom", from: 100, to: 200 });
    expect(fromDashboardRange(undefined)).toEqual({ preset: "24h" });
  });
});

describe("dashboard layout", () => {
  it("places a new chart beside the last one, then on a new row", () => {
    expect(nextPlacement([])).toEqual({ x: 0, y: 0, w: 6, h: 8 });
    const one = [{ chartId: "a", x: 0, y: 0, w: 6, h: 8 }];
    expect(nextPlacement(one)).toEqual({ x: 6, y: 0, w: 6, h: 8 });
    expect(nextPlacement([...one, { chartId: "b", x: 6, y: 0, w: 6, h: 8 }])).toEqual({ x: 0, y: 8, w: 6, h: 8 });
  });

  it("copies dragged and resized positions back onto the items", () => {
    const items = [{ chartId: "a", x: 0, y: 0, w: 6, h: 8, title: "A" }, { chartId: "b", x: 6, y: 0, w: 6, h: 8 }];
    const out = applyLayout(items, [{ i: "1:b", x: 0, y: 8, w: 12, h: 10 }, { i: "0:a", x: 0, y: 0, w: 6, h: 8 }]);
    expect(out).toEqual([{ chartId: "a", x: 0, y: 0, w: 6, h: 8, title: "A" }, { chartId: "b", x: 0, y: 8, w: 12, h: 10 }]);
  });

  it("passes a chart only the variables it declares, placement values winning", () => {
    expect(chartVariables([{ name: "loaderCode" }], { loaderCode: "A", region: "EU" }, { loaderCode: "B" })).toEqual({ loaderCode: "B" });
    expect(chartVariables(undefined, { region: "EU" }, undefined)).toEqual({});
  });

  it("names charts in diff paths", () => {
    const id = "8c389677-f3e0-4248-b0b1-e54c15a1973c";
    expect(readablePath(`charts.${id}.x`, { [id]: "Orders" })).toBe("charts.“Orders”.x");
    expect(readablePath(`charts.${id}.x`, {})).toBe(`charts.${id}.x`);
  });

  it("says what is wrong with an import document", () => {
    expect(parseDashboardDocument("").error).toMatch(/Paste or choose/);
    expect(parseDashboardDocument("{oops").error).toMatch(/not valid JSON/);
    expect(parseDashboardDocument("[1]").error).toMatch(/JSON object/);
    expect(parseDashboardDocument('{"dashboard": {}}').document).toEqual({ dashboard: {} });
  });
});

describe("navigation", () => {
  it("names breadcrumbs by section and by registered labels", () => {
    expect(crumbsFor("/dashboards/abc/history", { "/dashboards/abc": "Sales" })).toEqual([
      { path: "/dashboards", label: "Dashboards" }, { path: "/dashboards/abc", label: "Sales" }, { path: "/dashboards/abc/history", label: "Version history" },
    ]);
  });

  it("follows only same-app paths after sign-in", () => {
    expect(safeNext("/loaders/X")).toBe("/loaders/X");
    expect(safeNext("//evil.example")).toBe("/dashboards");
    expect(safeNext("https://evil.example")).toBe("/dashboards");
    expect(safeNext(null)).toBe("/dashboards");
  });

  it("orders roles ADMIN ⊃ OPERATOR ⊃ VIEWER", () => {
    const op = { id: "1", username: "o", role: "OPERATOR" as const };
    expect(hasRole(op, "VIEWER")).toBe(true);
    expect(hasRole(op, "OPERATOR")).toBe(true);
    expect(hasRole(op, "ADMIN")).toBe(false);
    expect(hasRole(null, "VIEWER")).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { createQueryClient } from "@/lib/query-client";
import { useAuth, type Role } from "@/lib/auth-store";
import { Toaster, useToasts } from "@/components/ui/toast";
import { Part2Nav } from "@/components/layout/nav-part2";
import RulesPage from "@/pages/alerts/rules-page";
import RuleEditorPage from "@/pages/alerts/rule-editor-page";
import { AlertDrawer } from "@/pages/alerts/history-page";
import { StatusActions } from "@/pages/incidents/status-actions";
import { AttachmentsCard } from "@/pages/incidents/attachments-card";
import type { Incident, IncidentDetail } from "@/api/incidents";
import { RcaCard } from "@/pages/incidents/rca-card";

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}
const page = (items: unknown[]) => ({ items, total: items.length, page: 0, size: 200 });

/** fetch that answers by path; every call is recorded with its method and parsed body. */
function server(routes: Record<string, (init: RequestInit) => unknown>) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const path = url.split("?")[0];
    const method = init.method ?? "GET";
    calls.push({ method, path, body: typeof init.body === "string" ? JSON.parse(init.body) : undefined });
    const handler = routes[`${method} ${path}`];
    return handler ? json(200, handler(init)) : json(404, { error: { code: "NOT_FOUND", message: `no route ${method} ${path}`, details: [] } });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

function app(ui: ReactNode, path = "/") {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes><Route path="*" element={ui} /></Routes>
      </MemoryRouter>
      <Toaster />
    </QueryClientProvider>,
  );
}

function signIn(role: Role) {
  useAuth.getState().setSession({ accessToken: "t", refreshToken: "r", expiresAt: Date.now() + 600_000, user: { id: "1", username: "sam", role } });
}

// Radix measures some controls (Switch) with ResizeObserver, which jsdom lacks.
class NoResizeObserver { observe() {} unobserve() {} disconnect() {} }

beforeEach(() => {
  vi.stubGlobal("ResizeObserver", NoResizeObserver);
  useAuth.setState({ session: null, expired: false });
  useToasts.setState({ toasts: [] });
});
afterEach(() => vi.unstubAllGlobals());

const CHART_ID = "3f1c2d4e-0000-4000-8000-000000000001";
const rule = {
  id: "r1", version: 1, status: "ACTIVE", firing: true, createdBy: "sam", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z",
  definition: { ruleName: "Orders too slow", chartId: CHART_ID, loaderCode: "ORDERS", metric: "avgVal", severity: "HIGH", suppressionWindow: "30m",
    conditions: [{ operator: ">", threshold: 30, duration: "5m" }], labels: { team: "shop" } },
};

describe("alert rules table", () => {
  it("shows status badges and gives an operator the row actions", async () => {
    signIn("OPERATOR");
    server({ "GET /api/v1/alerts/rules": () => page([rule]) });
    app(<RulesPage />, "/alerts/rules");
    const row = await screen.findByTestId("rule-row-Orders too slow");
    expect(within(row).getByText("ACTIVE")).toBeInTheDocument();
    expect(within(row).getByText("FIRING")).toBeInTheDocument();
    expect(within(row).getByText("avgVal > 30 for 5m")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Pause Orders too slow" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "New rule" })).toBeInTheDocument();
  });

  it("shows a viewer no edit actions", async () => {
    signIn("VIEWER");
    server({ "GET /api/v1/alerts/rules": () => page([rule]) });
    app(<RulesPage />, "/alerts/rules");
    const row = await screen.findByTestId("rule-row-Orders too slow");
    expect(within(row).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "New rule" })).not.toBeInTheDocument();
  });

  it("pauses a rule through the status endpoint", async () => {
    signIn("OPERATOR");
    const calls = server({ "GET /api/v1/alerts/rules": () => page([rule]), "PUT /api/v1/alerts/rules/r1/status": () => ({ ...rule, status: "PAUSED" }) });
    app(<RulesPage />, "/alerts/rules");
    await userEvent.click(await screen.findByRole("button", { name: "Pause Orders too slow" }));
    await waitFor(() => expect(calls).toContainEqual({ method: "PUT", path: "/api/v1/alerts/rules/r1/status", body: { status: "PAUSED" } }));
    expect(await screen.findByText("Rule “Orders too slow” paused")).toBeInTheDocument();
  });
});

describe("rule editor from a chart", () => {
  const chart = { id: CHART_ID, version: 1, definition: { chartName: "Order latency", dataSource: { params: { loaderCode: "ORDERS" } }, visualization: { yAxis: ["avgVal", "maxVal"] } } };

  it("is filled from the chart and says what is missing without calling the API", async () => {
    signIn("OPERATOR");
    const calls = server({ "GET /api/v1/charts": () => page([chart]), [`GET /api/v1/charts/${CHART_ID}`]: () => chart });
    app(<RuleEditorPage />, `/alerts/rules/new?chartId=${CHART_ID}`);
    expect(await screen.findByDisplayValue("Order latency alert")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText("Loader")).toHaveValue("ORDERS"));
    expect(screen.getByRole("option", { name: "Maximum" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Create rule" }));
    expect(await screen.findByText("Enter a number for the threshold")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
    await userEvent.type(screen.getByLabelText("Condition 1 threshold"), "250");
    await userEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    await waitFor(() => expect(calls.find((c) => c.path === "/api/v1/alerts/rules/test")?.body).toMatchObject({
      rule: { chartId: CHART_ID, loaderCode: "ORDERS", metric: "avgVal", conditions: [{ operator: ">", threshold: 250, duration: "5m" }] },
    }));
  });
});

describe("alert drawer", () => {
  const alert = {
    alertId: "a1", ruleId: "r1", ruleName: "Orders too slow", loaderCode: "ORDERS", segmentCode: null, severity: "HIGH", status: "FIRING",
    triggeredAt: "2026-01-01T10:00:00Z", resolvedAt: null, currentValue: 42, threshold: 30, labels: { team: "shop" }, chartId: CHART_ID,
    acknowledgedBy: null, acknowledgedAt: null, payload: { alertId: "a1", currentValue: 42 },
  };

  it("shows the full event and lets an operator acknowledge", async () => {
    signIn("OPERATOR");
    let current = alert;
    const calls = server({
      "GET /api/v1/alerts/a1": () => current,
      "POST /api/v1/alerts/a1/acknowledge": () => (current = { ...alert, acknowledgedBy: "sam", acknowledgedAt: "2026-01-01T10:05:00Z" } as never),
    });
    app(<AlertDrawer alertId="a1" onClose={() => {}} />);
    expect(JSON.parse((await screen.findByTestId("alert-payload")).textContent!)).toEqual({ alertId: "a1", currentValue: 42 });
    await userEvent.click(screen.getByRole("button", { name: "Acknowledge Orders too slow" }));
    await waitFor(() => expect(calls.map((c) => `${c.method} ${c.path}`)).toContain("POST /api/v1/alerts/a1/acknowledge"));
    expect(await screen.findByText(/^sam, /)).toBeInTheDocument();
  });

  it("gives a viewer no acknowledge button", async () => {
    signIn("VIEWER");
    server({ "GET /api/v1/alerts/a1": () => alert });
    app(<AlertDrawer alertId="a1" onClose={() => {}} />);
    await screen.findByTestId("alert-payload");
    expect(screen.queryByRole("button", { name: /Acknowledge/ })).not.toBeInTheDocument();
  });
});

describe("incident status actions", () => {
  const incident = { id: "i1", number: 7, title: "Orders down", status: "INVESTIGATING", allowedTransitions: ["RESOLVED"] } as unknown as Incident;

  it("asks for the resolution note before resolving, then sends it", async () => {
    signIn("OPERATOR");
    const calls = server({ "PUT /api/v1/incidents/i1/status": () => ({ ...incident, status: "RESOLVED" }) });
    app(<StatusActions incident={incident} />);
    await userEvent.click(screen.getByRole("button", { name: "Resolve" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Resolve" }));
    expect(await within(dialog).findByText("A resolution note is required to resolve an incident")).toBeInTheDocument();
    expect(calls).toEqual([]);
    await userEvent.type(within(dialog).getByLabelText(/Resolution note/), "Rolled back");
    await userEvent.click(within(dialog).getByRole("button", { name: "Resolve" }));
    await waitFor(() => expect(calls).toEqual([{ method: "PUT", path: "/api/v1/incidents/i1/status", body: { status: "RESOLVED", note: "Rolled back" } }]));
    expect(await screen.findByText("Incident #7 is RESOLVED")).toBeInTheDocument();
  });
});

describe("attachments", () => {
  const file = { id: "f1", incidentId: "i1", filename: "app.log", contentType: "text/plain", sizeBytes: 2048, sha256: "x", uploadedBy: "sam", uploadedAt: "2026-01-01T10:00:00Z" };

  it("refuses a file type before uploading anything", async () => {
    signIn("OPERATOR");
    const calls = server({});
    const xhr = vi.fn();
    vi.stubGlobal("XMLHttpRequest", xhr);
    app(<AttachmentsCard incidentId="i1" attachments={[file]} />);
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(screen.getByTestId("attachment-input"), new File(["MZ"], "tool.exe", { type: "application/octet-stream" }));
    expect(await screen.findByText("Files of type .exe are not accepted; use PDF, PNG, JPG, TXT or LOG.")).toBeInTheDocument();
    expect(xhr).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(screen.getByText(/^2\.0 KB · sam · /)).toBeInTheDocument();
  });

  it("lets a viewer download but not upload or delete", () => {
    signIn("VIEWER");
    app(<AttachmentsCard incidentId="i1" attachments={[file]} />);
    expect(screen.getByRole("button", { name: "Download app.log" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Upload" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete app.log" })).not.toBeInTheDocument();
  });
});

describe("RCA report", () => {
  const incident = {
    id: "i1", number: 7, title: "Orders down", status: "RESOLVED", createdAt: "2026-01-01T10:00:00Z", resolvedAt: "2026-01-01T11:00:00Z", closedAt: null,
    alerts: [{ alertId: "a1", chartId: CHART_ID, triggeredAt: "2026-01-01T10:00:00Z", linkedAt: "2026-01-01T10:00:00Z" }], attachments: [], reports: [],
  } as unknown as IncidentDetail;

  it("shows progress while the PDF is made, then the download link", async () => {
    signIn("OPERATOR");
    let finish: (v: unknown) => void = () => {};
    const calls = server({ "GET /api/v1/charts": () => page([{ id: CHART_ID, version: 1, definition: { chartName: "Order latency" } }]) });
    const plain = globalThis.fetch as ReturnType<typeof vi.fn>;
    vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit = {}) => {
      if (!url.startsWith("/api/v1/rca/generate")) return plain(url, init);
      calls.push({ method: init.method ?? "GET", path: url, body: JSON.parse(String(init.body)) });
      await new Promise((r) => { finish = r; });
      return json(201, { reportId: "r1", url: "http://s3.local/rca.pdf?sig=1", expiresAt: "2026-01-08T11:00:00Z" });
    }));
    app(<RcaCard incident={incident} />);
    expect(await screen.findByRole("checkbox", { name: "Order latency" })).toBeChecked();
    await userEvent.click(screen.getByRole("button", { name: "Generate RCA" }));
    expect(await screen.findByTestId("rca-progress")).toBeInTheDocument();
    const sent = calls.find((c) => c.path === "/api/v1/rca/generate")!.body as { incidentId: string; chartIds: string[]; timeRange: { from: number; to: number } };
    expect(sent.incidentId).toBe("i1");
    expect(sent.chartIds).toEqual([CHART_ID]);
    expect(sent.timeRange.to - sent.timeRange.from).toBe(2 * 3600 + 300); // an hour before, five minutes after
    finish(undefined);
    expect(await screen.findByTestId("rca-link")).toHaveAttribute("href", "http://s3.local/rca.pdf?sig=1");
    expect(screen.queryByTestId("rca-progress")).not.toBeInTheDocument();
  });
});

describe("sidebar", () => {
  it("shows administration to an admin only", () => {
    signIn("VIEWER");
    const { unmount } = app(<Part2Nav />);
    expect(screen.getByRole("link", { name: "Incidents" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Users and roles" })).not.toBeInTheDocument();
    unmount();
    signIn("ADMIN");
    app(<Part2Nav />);
    expect(screen.getByRole("link", { name: "Users and roles" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Audit log" })).toBeInTheDocument();
  });
});

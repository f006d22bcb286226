import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import DashboardEditorPage from "@/pages/dashboards/dashboard-editor-page";
import { createQueryClient } from "@/lib/query-client";
import { useAuth } from "@/lib/auth-store";

const chart = (id: string, name: string) => ({
  id, version: 1, definition: { chartName: name, chartType: "line", dataSource: { params: { loaderCode: "ORDERS" } }, visualization: { yAxis: ["avgVal"] } },
});
const ID_A = "11111111-1111-1111-1111-111111111111";
const ID_B = "22222222-2222-2222-2222-222222222222";

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

afterEach(() => vi.unstubAllGlobals());

describe("dashboard editor", () => {
  it("places added charts side by side and saves name, layout, range and message", async () => {
    useAuth.getState().setSession({ accessToken: "t", refreshToken: "r", expiresAt: Date.now() + 600_000, user: { id: "1", username: "op", role: "OPERATOR" } });
    const posted: unknown[] = [];
    vi.stubGlobal("fetch", vi.fn((url: string, init?: RequestInit) => {
      if (url.startsWith("/api/v1/charts?")) {
        return Promise.resolve(new Response(JSON.stringify({ items: [chart(ID_A, "Orders"), chart(ID_B, "Payments")], total: 2, page: 0, size: 200 }), { status: 200 }));
      }
      if (url === "/api/v1/dashboards" && init?.method === "POST") {
        posted.push(JSON.parse(String(init.body)));
        return Promise.resolve(new Response(JSON.stringify({ id: "d1", version: 1, name: "Ops", definition: {} }), { status: 201 }));
      }
      return new Promise<Response>(() => {}); // chart data stays loading: no canvas in jsdom
    }));
    render(
      <QueryClientProvider client={createQueryClient()}>
        <MemoryRouter initialEntries={["/dashboards/new"]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <Routes>
            <Route path="/dashboards/new" element={<DashboardEditorPage />} />
            <Route path="*" element={<Where />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Give the dashboard a name")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Name"), "Ops");
    for (const name of ["Orders", "Payments"]) {
      await userEvent.click(screen.getByRole("button", { name: "Add chart" }));
      await userEvent.click(await screen.findByRole("button", { name: `Add ${name}` }));
    }
    expect(await screen.findAllByTestId("chart-tile")).toHaveLength(2);
    await userEvent.click(screen.getByRole("button", { name: "7d" }));
    await userEvent.type(screen.getByLabelText("Version message"), "first cut");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("where")).toHaveTextContent("/dashboards/d1"));
    expect(posted[0]).toMatchObject({
      name: "Ops",
      charts: [{ chartId: ID_A, x: 0, y: 0, w: 6, h: 8 }, { chartId: ID_B, x: 6, y: 0, w: 6, h: 8 }],
      timeRange: { from: "now-7d", to: "now" },
      refreshSeconds: 30,
      message: "first cut",
    });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { LoginPage } from "@/pages/auth/login-page";
import { Protected } from "@/components/layout/protected";
import { LoaderActions } from "@/pages/loaders/loader-actions";
import SourcesPage from "@/pages/sources/sources-page";
import { SourceDialog } from "@/pages/sources/source-dialog";
import { DiffView } from "@/pages/dashboards/dashboard-history-page";
import { createQueryClient } from "@/lib/query-client";
import { useAuth, type Role } from "@/lib/auth-store";
import { useToasts, Toaster } from "@/components/ui/toast";
import type { Loader } from "@/api/types";

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function Where() {
  const loc = useLocation();
  return <p data-testid="where">{loc.pathname + loc.search}</p>;
}

function app(ui: ReactNode, path = "/") {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path="/login" element={<><LoginPage /><Where /></>} />
          <Route path="*" element={<>{ui}<Where /></>} />
        </Routes>
      </MemoryRouter>
      <Toaster />
    </QueryClientProvider>,
  );
}

function signIn(role: Role) {
  useAuth.getState().setSession({ accessToken: "t", refreshToken: "r", expiresAt: Date.now() + 600_000, user: { id: "1", username: "sam", role } });
}

beforeEach(() => {
  useAuth.setState({ session: null, expired: false });
  useToasts.setState({ toasts: [] });
});
afterEach(() => vi.unstubAllGlobals());

describe("sign-in", () => {
  it("says what is missing before calling the server", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    app(null, "/login");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your username")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the lock-out wait on a 429", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(429, { error: { code: "RATE_LIMITED", message: "locked", details: [] } }, { "Retry-After": "300" })));
    app(null, "/login");
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Too many requests. Please wait 300 seconds and try again.")).toBeInTheDocument();
  });

  it("signs in and goes to the page that was asked for", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(200, { accessToken: "a", refreshToken: "r", expiresIn: 900, user: { id: "1", username: "admin", role: "ADMIN" } })));
    app(<p>signals page</p>, "/login?next=%2Fsignals");
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "admin123");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByTestId("where")).toHaveTextContent("/signals"));
    expect(useAuth.getState().session?.user.role).toBe("ADMIN");
  });
});

describe("protected routes and roles", () => {
  it("sends a signed-out visitor to sign-in, remembering where they were", () => {
    app(<Protected><p>secret</p></Protected>, "/loaders/X");
    expect(screen.getByTestId("where")).toHaveTextContent("/login?next=%2Floaders%2FX");
    expect(screen.queryByText("secret")).not.toBeInTheDocument();
  });

  it("says so when the session expired", () => {
    useAuth.setState({ session: null, expired: true });
    app(<Protected><p>secret</p></Protected>, "/loaders");
    expect(screen.getByText("Your session has ended. Please sign in again.")).toBeInTheDocument();
  });

  it("explains a missing role instead of showing the page", () => {
    signIn("VIEWER");
    app(<Protected role="OPERATOR"><p>secret</p></Protected>, "/sources");
    expect(screen.getByText("You do not have access to this page")).toBeInTheDocument();
    expect(screen.queryByText("secret")).not.toBeInTheDocument();
  });

  const loader: Loader = { id: "1", loaderCode: "ORDERS", sourceDatabaseId: "s", intervalSeconds: 60, maxParallelism: 1, segments: [], timeoutSeconds: 30, enabled: true };

  it("hides loader actions from a viewer", () => {
    signIn("VIEWER");
    app(<LoaderActions loader={loader} />);
    expect(screen.queryByRole("button", { name: "Run ORDERS now" })).not.toBeInTheDocument();
  });

  it("asks before deleting a loader, then calls the API", async () => {
    signIn("OPERATOR");
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetchMock);
    app(<LoaderActions loader={loader} />);
    expect(screen.getByRole("button", { name: "Pause ORDERS" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Delete ORDERS" }));
    expect(fetchMock).not.toHaveBeenCalled();
    await userEvent.click(await screen.findByRole("button", { name: "Delete" }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledWith("/api/v1/res/loaders/loaders/ORDERS", expect.objectContaining({ method: "DELETE" })));
    expect(await screen.findByText("ORDERS deleted")).toBeInTheDocument();
  });
});

describe("sources table", () => {
  const source = {
    id: "s1", name: "Sales replica", type: "postgresql", host: "db", port: 5432, dbName: "sales", userName: "rw", password: "***",
    readOnlyCompliant: false, complianceFindings: [{ code: "WRITE_PRIVILEGE", message: "may INSERT into orders", object: "orders" }],
  };

  it("shows credentials masked, the compliance badge and the findings", async () => {
    signIn("OPERATOR");
    vi.stubGlobal("fetch", vi.fn(async () => json(200, { items: [source], total: 1, page: 0, size: 200 })));
    app(<SourcesPage />);
    expect(await screen.findByText("Sales replica")).toBeInTheDocument();
    expect(screen.getByText("***")).toBeInTheDocument();
    expect(screen.getByText("Not read-only")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "1 finding" }));
    expect(await screen.findByText("may INSERT into orders")).toBeInTheDocument();
    // OPERATOR reads sources but only ADMIN writes them.
    expect(screen.queryByRole("button", { name: "New source" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Test connection to Sales replica" })).toBeInTheDocument();
  });

  it("lets an ADMIN record an override with a reason", async () => {
    signIn("ADMIN");
    const fetchMock = vi.fn(async (url: string, _init?: RequestInit) =>
      url.includes("compliance-override") ? json(200, { ...source, complianceOverride: { reason: "reporting replica", by: "sam", at: "2026-01-01T00:00:00Z" } })
        : json(200, { items: [source], total: 1, page: 0, size: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    app(<SourcesPage />);
    await userEvent.click(await screen.findByRole("button", { name: "1 finding" }));
    await userEvent.click(await screen.findByRole("button", { name: "Record override" }));
    expect(screen.getByText("Give a reason of at least 5 characters.")).toBeInTheDocument();
    await userEvent.type(screen.getByPlaceholderText("Why this is acceptable (audited)"), "reporting replica");
    await userEvent.click(screen.getByRole("button", { name: "Record override" }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledWith("/api/v1/admin/res/db-sources/s1/compliance-override", expect.objectContaining({ method: "POST", body: JSON.stringify({ reason: "reporting replica" }) })));
    expect(await screen.findByText("Override recorded")).toBeInTheDocument();
  });

  it("shows an error with a retry when the list cannot load", async () => {
    signIn("ADMIN");
    vi.stubGlobal("fetch", vi.fn(async () => json(403, { error: { code: "FORBIDDEN", message: "not allowed", details: [] } })));
    app(<SourcesPage />);
    expect(await screen.findByText("Could not load the sources")).toBeInTheDocument();
    expect(screen.getByText("Not allowed")).toBeInTheDocument();
  });
});

describe("source dialog", () => {
  const stored = {
    id: "s1", name: "Sales", type: "postgresql" as const, host: "db", port: 5432, dbName: "sales", userName: "ro", password: "***",
    readOnlyCompliant: true, complianceFindings: [],
  };

  it("keeps the stored password when editing with the field left empty", async () => {
    signIn("ADMIN");
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => json(200, { ...stored, ...JSON.parse(String(init?.body)) }));
    vi.stubGlobal("fetch", fetchMock);
    render(<QueryClientProvider client={createQueryClient()}><SourceDialog open onOpenChange={() => {}} source={stored} /><Toaster /></QueryClientProvider>);
    expect(screen.getByLabelText("Password")).toHaveValue("");
    await userEvent.clear(screen.getByLabelText("Host"));
    await userEvent.type(screen.getByLabelText("Host"), "replica.internal");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/admin/res/db-sources/s1");
    expect(init?.method).toBe("PUT");
    const body = JSON.parse(String(init?.body));
    expect(body.host).toBe("replica.internal");
    expect("password" in body).toBe(false);
  });

  it("puts the server's field errors next to the inputs", async () => {
    signIn("ADMIN");
    vi.stubGlobal("fetch", vi.fn(async () => json(400, { error: { code: "VALIDATION", message: "the request is not valid", details: [{ field: "name", message: "a source with this name exists" }] } })));
    render(<QueryClientProvider client={createQueryClient()}><SourceDialog open onOpenChange={() => {}} /></QueryClientProvider>);
    await userEvent.type(screen.getByLabelText("Name"), "Sales");
    await userEvent.type(screen.getByLabelText("Host"), "db");
    await userEvent.type(screen.getByLabelText("Database"), "sales");
    await userEvent.type(screen.getByLabelText("User"), "ro");
    await userEvent.type(screen.getByLabelText("Password"), "pw");
    await userEvent.click(screen.getByRole("button", { name: "Create source" }));
    expect(await screen.findByText("a source with this name exists")).toBeInTheDocument();
  });
});

describe("version diff", () => {
  it("lists each change with its path and old and new values", () => {
    render(<DiffView changes={[{ path: "name", op: "changed", from: "Ops", to: "Ops 2" }, { path: "charts[c1].h", op: "changed", from: 8, to: 12 }]} />);
    expect(screen.getByText("name")).toBeInTheDocument();
    expect(screen.getByText("Ops 2")).toBeInTheDocument();
    expect(screen.getByText("charts[c1].h")).toBeInTheDocument();
  });
});

import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient, buildUrl, sessionFromPair } from "@/api/client";
import { ApiError } from "@/api/errors";
import { useAuth } from "@/lib/auth-store";

const user = { id: "u1", username: "alice", role: "OPERATOR" as const };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error("expected the request to fail");
}

function signIn(accessToken = "access-1", expiresInMs = 600_000) {
  useAuth.getState().setSession({ accessToken, refreshToken: "refresh-1", expiresAt: Date.now() + expiresInMs, user });
}

describe("ApiClient", () => {
  beforeEach(() => useAuth.setState({ session: null, expired: false }));

  it("sends the bearer token and JSON body, and parses the answer", async () => {
    signIn();
    const fetchImpl = vi.fn(async () => json(201, { id: "x" }));
    const client = new ApiClient(fetchImpl as unknown as typeof fetch);
    const out = await client.post<{ id: string }>("/api/v1/things", { name: "a" });
    expect(out).toEqual({ id: "x" });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/things");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer access-1");
    expect(init.body).toBe(JSON.stringify({ name: "a" }));
  });

  it("refreshes once on a 401 and retries with the new token", async () => {
    signIn("stale");
    const calls: string[] = [];
    const fetchImpl = vi.fn(async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? "";
      calls.push(`${url} ${auth}`);
      if (url === "/api/v1/auth/refresh") return json(200, { accessToken: "fresh", refreshToken: "refresh-2", expiresIn: 900, user });
      return auth === "Bearer fresh" ? json(200, { ok: true }) : json(401, { error: { code: "UNAUTHENTICATED", message: "token expired", details: [] } });
    });
    const client = new ApiClient(fetchImpl as unknown as typeof fetch);
    const [a, b] = await Promise.all([client.get("/api/v1/a"), client.get("/api/v1/b")]);
    expect(a).toEqual({ ok: true });
    expect(b).toEqual({ ok: true });
    // Refresh tokens rotate: two parallel 401s must share one refresh.
    expect(calls.filter((c) => c.startsWith("/api/v1/auth/refresh"))).toHaveLength(1);
    expect(useAuth.getState().session?.refreshToken).toBe("refresh-2");
  });

  it("refreshes ahead of expiry instead of waiting for a 401", async () => {
    signIn("about-to-expire", 10_000);
    const fetchImpl = vi.fn(async (url: string, _init?: RequestInit) =>
      url === "/api/v1/auth/refresh" ? json(200, { accessToken: "fresh", refreshToken: "r2", expiresIn: 900, user }) : json(200, []));
    await new ApiClient(fetchImpl as unknown as typeof fetch).get("/api/v1/x");
    expect(fetchImpl.mock.calls.map((c) => c[0])).toEqual(["/api/v1/auth/refresh", "/api/v1/x"]);
    const sent = fetchImpl.mock.calls[1][1]!;
    expect((sent.headers as Record<string, string>).Authorization).toBe("Bearer fresh");
  });

  it("ends the session as expired when the refresh is refused", async () => {
    signIn();
    const onSessionExpired = vi.fn();
    const fetchImpl = vi.fn(async () => json(401, { error: { code: "UNAUTHENTICATED", message: "revoked", details: [] } }));
    const client = new ApiClient(fetchImpl as unknown as typeof fetch, { onSessionExpired });
    await expect(client.get("/api/v1/x")).rejects.toMatchObject({ status: 401 });
    expect(useAuth.getState().session).toBeNull();
    expect(useAuth.getState().expired).toBe(true);
    expect(onSessionExpired).toHaveBeenCalledOnce();
  });

  it("turns a 429 into an error that says how long to wait", async () => {
    signIn();
    const fetchImpl = vi.fn(async () => json(429, { error: { code: "RATE_LIMITED", message: "too many requests", details: [] } }, { "Retry-After": "17" }));
    const err = await failure(new ApiClient(fetchImpl as unknown as typeof fetch).get("/api/v1/x"));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.retryAfter).toBe(17);
    expect(err.userMessage).toBe("Too many requests. Please wait 17 seconds and try again.");
  });

  it("keeps field-level validation details for the forms", async () => {
    const fetchImpl = vi.fn(async () => json(400, { error: { code: "VALIDATION", message: "the request is not valid", details: [{ field: "body.loaderCode", message: "already exists" }] } }));
    const err = await failure(new ApiClient(fetchImpl as unknown as typeof fetch).request("/api/v1/x", { method: "POST", body: {}, anonymous: true }));
    expect(err.fieldErrors()).toEqual({ loaderCode: "already exists" });
    expect(err.userMessage).toBe("The request is not valid (body.loaderCode: already exists)");
  });

  it("reports an unreachable server as a network error", async () => {
    const fetchImpl = vi.fn(async () => { throw new TypeError("Failed to fetch"); });
    const err = await failure(new ApiClient(fetchImpl as unknown as typeof fetch).get("/api/v1/x"));
    expect(err.status).toBe(0);
    expect(err.userMessage).toMatch(/cannot be reached/);
  });

  it("signs in, stores the session, and signs out revoking the refresh token", async () => {
    const fetchImpl = vi.fn(async (url: string, _init?: RequestInit) =>
      url.endsWith("/login") ? json(200, { accessToken: "a", refreshToken: "r", expiresIn: 900, user }) : json(204, undefined));
    const client = new ApiClient(fetchImpl as unknown as typeof fetch);
    const session = await client.login("alice", "pw");
    expect(session.user.username).toBe("alice");
    expect(useAuth.getState().session?.accessToken).toBe("a");
    await client.logout();
    expect(useAuth.getState().session).toBeNull();
    expect(useAuth.getState().expired).toBe(false);
    expect(JSON.parse(String(fetchImpl.mock.calls[1][1]!.body))).toEqual({ refreshToken: "r" });
  });
});

describe("session store", () => {
  it("picks up the pair another tab stored", async () => {
    signIn("old");
    const other = { state: { session: { accessToken: "from-other-tab", refreshToken: "r9", expiresAt: Date.now() + 600_000, user } }, version: 0 };
    localStorage.setItem("vigil.session", JSON.stringify(other));
    window.dispatchEvent(new StorageEvent("storage", { key: "vigil.session" }));
    await vi.waitFor(() => expect(useAuth.getState().session?.accessToken).toBe("from-other-tab"));
  });
});

describe("helpers", () => {
  it("builds query strings with repeated keys and without empty values", () => {
    expect(buildUrl("/q", { a: 1, seg: ["X", "Y"], empty: "", none: undefined })).toBe("/q?a=1&seg=X&seg=Y");
  });

  it("turns expiresIn into an absolute expiry", () => {
    expect(sessionFromPair({ accessToken: "a", refreshToken: "r", expiresIn: 900, user }, 1000).expiresAt).toBe(901_000);
  });
});

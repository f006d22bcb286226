import { ApiError, toApiError } from "./errors";
import { useAuth, type Session } from "@/lib/auth-store";

type Query = Record<string, string | number | boolean | null | undefined | Array<string | number>>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Query;
  /** Skip the bearer token and the refresh dance (sign-in itself). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: Session["user"];
}

/** Refresh this long before the access token expires, so requests never race its expiry. */
const REFRESH_MARGIN_MS = 60_000;

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function sessionFromPair(pair: TokenPair, now = Date.now()): Session {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: now + pair.expiresIn * 1000,
    user: pair.user,
  };
}

export interface ClientHooks {
  /** Called when the session cannot be renewed: the app sends the user to sign in. */
  onSessionExpired?: () => void;
}

/**
 * Fetch wrapper for `/api/v1`: bearer token, JSON in and out, one shared silent refresh
 * (refresh tokens rotate, so two parallel refreshes would revoke each other), one retry after
 * a 401, and `ApiError` for every failure.
 */
export class ApiClient {
  private refreshing: Promise<Session | null> | null = null;

  constructor(
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    public hooks: ClientHooks = {},
  ) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    if (!options.anonymous) await this.ensureFresh();
    let response = await this.send(path, options);
    if (response.status === 401 && !options.anonymous && useAuth.getState().session) {
      const renewed = await this.refresh();
      if (renewed) response = await this.send(path, options);
    }
    if (response.status === 401 && !options.anonymous) {
      useAuth.getState().clear("expired");
      this.hooks.onSessionExpired?.();
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { query, signal });
  }
  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>(path, { method: "POST", body, query });
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>(path, { method: "PUT", body });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>(path, { method: "DELETE" });
  }

  async login(username: string, password: string): Promise<Session> {
    const pair = await this.request<TokenPair>("/api/v1/auth/login", {
      method: "POST", body: { username, password }, anonymous: true,
    });
    const session = sessionFromPair(pair);
    useAuth.getState().setSession(session);
    return session;
  }

  async logout(): Promise<void> {
    const session = useAuth.getState().session;
    useAuth.getState().clear();
    if (!session) return;
    try {
      await this.request("/api/v1/auth/logout", {
        method: "POST", body: { refreshToken: session.refreshToken }, anonymous: true,
      });
    } catch {
      // Signing out locally is what matters; the refresh token expires anyway.
    }
  }

  /** Renew the pair once, however many callers ask at the same time. */
  refresh(): Promise<Session | null> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<Session | null> {
    const current = useAuth.getState().session;
    if (!current) return null;
    const response = await this.send("/api/v1/auth/refresh", {
      method: "POST", body: { refreshToken: current.refreshToken }, anonymous: true,
    });
    if (!response.ok) return null;
    const session = sessionFromPair((await response.json()) as TokenPair);
    useAuth.getState().setSession(session);
    return session;
  }

  private async ensureFresh(): Promise<void> {
    const session = useAuth.getState().session;
    if (session && session.expiresAt - Date.now() < REFRESH_MARGIN_MS) await this.refresh();
  }

  private async send(path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const token = useAuth.getState().session?.accessToken;
    if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(buildUrl(path, options.query), {
        method: options.method ?? "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(0, "NETWORK", "The server cannot be reached.");
    }
  }
}

export const api = new ApiClient();

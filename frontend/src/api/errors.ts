/** The platform's error body, `{"error": {"code", "message", "details": [{"field", "message"}]}}`. */
export interface ErrorDetail {
  field: string | null;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  /** Seconds to wait, from `Retry-After` on a 429. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = [], retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  /** What to tell a person: the message, plus the field-level reasons when there are any. */
  get userMessage(): string {
    if (this.status === 429) {
      const wait = this.retryAfter ?? 60;
      return `Too many requests. Please wait ${wait} second${wait === 1 ? "" : "s"} and try again.`;
    }
    if (this.status === 0) return "The server cannot be reached. Check your connection and try again.";
    const message = capitalize(this.message);
    if (this.details.length === 0) return message;
    const reasons = this.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message));
    return `${message} (${reasons.join("; ")})`;
  }

  /** Field → message, for putting server-side validation errors next to form inputs. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      if (!d.field) continue;
      const key = d.field.replace(/^body\./, "").split(".").pop() ?? d.field;
      out[key] = d.message;
    }
    return out;
  }
}

function capitalize(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export async function toApiError(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || `Request failed with status ${response.status}`;
  let details: ErrorDetail[] = [];
  try {
    const body = await response.json();
    if (body && typeof body === "object" && body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = Array.isArray(body.error.details) ? body.error.details : [];
    }
  } catch {
    // Not JSON (a proxy page, an empty body): keep the status line.
  }
  const header = response.headers.get("Retry-After");
  const retryAfter = header !== null && header !== "" && !Number.isNaN(Number(header)) ? Number(header) : null;
  return new ApiError(response.status, code, message, details, retryAfter);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.userMessage;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

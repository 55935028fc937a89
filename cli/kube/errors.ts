/** Turns API errors into kubectl-style one-line messages. */

/** The shape of a Kubernetes `Status` body (the parts we print). */
interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
}

/** An error thrown by client-node for a non-2xx response (`ApiException`). */
interface ApiErrorLike {
  code: number;
  body: unknown;
}

function isApiError(err: unknown): err is ApiErrorLike {
  return typeof err === "object" && err !== null && "code" in err && "body" in err &&
    typeof (err as { code: unknown }).code === "number";
}

function parseStatus(body: unknown): StatusBody | undefined {
  if (typeof body === "object" && body !== null) return body as StatusBody;
  if (typeof body !== "string") return undefined;
  try {
    return JSON.parse(body) as StatusBody;
  } catch {
    return undefined;
  }
}

/** The HTTP status of an API error, or undefined for other errors. */
export function statusCode(err: unknown): number | undefined {
  return isApiError(err) ? err.code : undefined;
}

/** True when `err` is an API 404. */
export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

/** Formats any error the way kubectl prints it: `Error from server (Reason): message`. */
export function describeError(err: unknown): string {
  if (isApiError(err)) {
    const status = parseStatus(err.body);
    if (status?.message) {
      return `Error from server (${status.reason || err.code}): ${status.message}`;
    }
    return `Error from server: HTTP ${err.code}`;
  }
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    if (err.message === "fetch failed" && cause instanceof Error) {
      return `Cannot reach the Kubernetes API: ${cause.message} (check --context and the cluster)`;
    }
    return err.message;
  }
  return String(err);
}

/** The one error type of Kubernetes API answers, and the predicates every caller classifies by. */

/** The parts of a Kubernetes `Status` body that callers read. */
export interface Status {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** A non-2xx answer of the API server (or an `ERROR` watch event), with its `Status`. */
export class KubeError extends Error {
  /** The HTTP status (the Status `code` for watch events). */
  readonly code: number;
  /** The Status `reason` (`NotFound`, `Conflict`, `AlreadyExists`, `Expired`…), or "". */
  readonly reason: string;
  /** The decoded Status body, when the answer carried one. */
  readonly status?: Status;

  /**
   * Creates the error for HTTP `code` from the decoded Status (its message, else `fallback`),
   * or from a reason and message (`new KubeError(403, "Forbidden", "…")`).
   */
  constructor(code: number, status: Status | string | undefined, fallback = `HTTP ${code}`) {
    const s = typeof status === "string" ? { reason: status, message: fallback } : status;
    super(s?.message || fallback);
    this.name = "KubeError";
    this.code = code;
    this.reason = s?.reason ?? "";
    this.status = s;
  }
}

/** Builds the error of a failed response from its body text (a Status JSON or anything). */
export function kubeErrorFrom(code: number, text: string, what: string): KubeError {
  try {
    const status = JSON.parse(text) as Status;
    if (status && typeof status === "object") {
      return new KubeError(code, status, `${what}: HTTP ${code}`);
    }
  } catch { /* not JSON */ }
  const tail = text.trim().slice(0, 200);
  return new KubeError(code, undefined, `${what}: HTTP ${code}${tail ? ` ${tail}` : ""}`);
}

/** The HTTP status of a {@linkcode KubeError}, undefined for any other error. */
export function statusCode(err: unknown): number | undefined {
  return err instanceof KubeError ? err.code : undefined;
}

/** 404: the object (or the resource) does not exist. */
export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

/** 409 Conflict: a stale resourceVersion or a field-manager conflict (not AlreadyExists). */
export function isConflict(err: unknown): boolean {
  return statusCode(err) === 409 && (err as KubeError).reason !== "AlreadyExists";
}

/** 409 AlreadyExists: a create found an object of that name. */
export function isAlreadyExists(err: unknown): boolean {
  return statusCode(err) === 409 && (err as KubeError).reason === "AlreadyExists";
}

/** 403: the caller may not do this. */
export function isForbidden(err: unknown): boolean {
  return statusCode(err) === 403;
}

/** 410 Gone / Expired: a watch or list resourceVersion too old; re-list. */
export function isGone(err: unknown): boolean {
  return statusCode(err) === 410;
}

/** 422 Invalid: the object failed validation. */
export function isInvalid(err: unknown): boolean {
  return statusCode(err) === 422;
}

/** Codes of answers that retrying the same write cannot change: bad request, forbidden, invalid. */
export const TERMINAL_CODES: readonly number[] = [400, 403, 422];

/** Whether retrying the same write cannot change the answer (400, 403, 422). */
export function isTerminal(err: unknown): err is KubeError {
  return TERMINAL_CODES.includes(statusCode(err) ?? 0);
}

/** Formats any error the way kubectl prints it: `Error from server (Reason): message`. */
export function describeError(err: unknown): string {
  if (err instanceof KubeError) {
    if (err.status?.message) {
      return `Error from server (${err.reason || err.code}): ${err.status.message}`;
    }
    return `Error from server: ${err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

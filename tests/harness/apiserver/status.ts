/**
 * Kubernetes `Status` errors, worded like k8s.io/apimachinery/pkg/api/errors.
 *
 * @module
 */

/** One cause of a `Status` failure (a field error, a conflict, …). */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** The details of a `Status` failure. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An API error that becomes a Kubernetes `Status` response. */
export class ApiError extends Error {
  /** Creates an error with an HTTP code, a Kubernetes reason and optional details. */
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

/** The names of a resource an error message needs. */
export interface ErrorSubject {
  group: string;
  plural: string;
  kind: string;
}

/** `plural` or `plural.group`, as Kubernetes writes a resource in messages. */
export function qualifiedResource(s: ErrorSubject): string {
  return s.group ? `${s.plural}.${s.group}` : s.plural;
}

/** `Kind` or `Kind.group`, as Kubernetes writes a kind in 422 messages. */
export function qualifiedKind(s: ErrorSubject): string {
  return s.group ? `${s.kind}.${s.group}` : s.kind;
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(s: ErrorSubject, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedResource(s)} "${name}" not found`, {
    name,
    group: s.group,
    kind: s.plural,
  });
}

/** 409 AlreadyExists. */
export function alreadyExists(s: ErrorSubject, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedResource(s)} "${name}" already exists`, {
    name,
    group: s.group,
    kind: s.plural,
  });
}

/** 409 Conflict for a stale resourceVersion. */
export function conflict(s: ErrorSubject, name: string, why?: string): ApiError {
  const reason = why ??
    "the object has been modified; please apply your changes to the latest version and try again";
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(s)} "${name}": ${reason}`,
    { name, group: s.group, kind: s.plural },
  );
}

/** 422 Invalid with field causes, worded like `field.ErrorList.ToAggregate()`. */
export function invalid(s: ErrorSubject, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => c.field ? `${c.field}: ${c.message}` : c.message);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  return new ApiError(422, "Invalid", `${qualifiedKind(s)} "${name}" is invalid: ${list}`, {
    name,
    group: s.group,
    kind: s.kind,
    causes,
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

/** 410 Gone (Expired) for a watch or list from a compacted resourceVersion. */
export function expired(rv: string, oldest: number): ApiError {
  return new ApiError(
    410,
    "Expired",
    `too old resource version: ${rv} (${oldest})`,
  );
}

/** A field cause: `Required value`. */
export function requiredCause(field: string, detail?: string): StatusCause {
  return {
    reason: "FieldValueRequired",
    message: detail ? `Required value: ${detail}` : "Required value",
    field,
  };
}

/** A field cause: `Invalid value: "v": detail`. */
export function invalidCause(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: "FieldValueInvalid",
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
    field,
  };
}

/** Formats a value the way field.Invalid does (`"s"`, `5`, `"object"`). */
export function formatValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return '"array"';
  return '"object"';
}

/** The `Status` object for an error. */
export function statusBody(e: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: e.message,
    reason: e.reason,
    code: e.code,
  };
  if (e.details) body.details = e.details;
  return body;
}

/** A JSON response carrying the `Status` of an error. */
export function errorResponse(e: ApiError): Response {
  return new Response(JSON.stringify(statusBody(e)), {
    status: e.code,
    headers: { "content-type": "application/json" },
  });
}

/** Turns any thrown value into an ApiError (500 InternalError unless it already is one). */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ApiError(500, "InternalError", `Internal error occurred: ${msg}`);
}

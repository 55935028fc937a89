/** Sends a declared tool call or template read to its backend Service, with a timeout. */
import { encodeBase64 } from "../../lib/base64.ts";
import type { Json } from "../jsonrpc/message.ts";
import type { HttpTarget } from "./file.ts";
import { fillUrl, hasBody, withQuery } from "./placeholders.ts";

/** Largest backend answer read, in bytes (the rest is refused). */
export const MAX_ANSWER = 4 * 1024 * 1024;

/** What the backend answered. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: Uint8Array;
}

/** Why a backend call failed before an answer. */
export type CallFailure =
  | { kind: "missing" | "dot-segment"; name: string }
  | { kind: "timeout"; ms: number }
  | { kind: "cancelled" }
  | { kind: "network"; message: string }
  | { kind: "too-large" };

/** Result of {@linkcode callHttp}. */
export type CallOutcome = { ok: true; answer: HttpAnswer } | { ok: false; failure: CallFailure };

async function readCapped(res: Response): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER) return null; // leaving the loop cancels the body
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Fills the target's placeholders from `args` and sends the rest (JSON body or query). Only the
 * gateway's own headers go out: nothing of the MCP client's request reaches the backend.
 */
export async function callHttp(
  target: HttpTarget,
  args: Json,
  signal: AbortSignal,
): Promise<CallOutcome> {
  const filled = fillUrl(target.url, args);
  if (!filled.ok) return { ok: false, failure: { kind: filled.why, name: filled.bad } };
  const body = hasBody(target.method);
  const headers: Record<string, string> = { accept: "application/json, text/*;q=0.9, */*;q=0.8" };
  if (body) headers["content-type"] = "application/json";
  const timeout = AbortSignal.timeout(target.timeoutMs);
  try {
    const res = await fetch(body ? filled.url : withQuery(filled.url, filled.rest), {
      method: target.method,
      headers,
      body: body ? JSON.stringify(filled.rest) : undefined,
      signal: AbortSignal.any([signal, timeout]),
      redirect: "manual",
    });
    const bytes = await readCapped(res);
    if (bytes === null) return { ok: false, failure: { kind: "too-large" } };
    const contentType = res.headers.get("content-type") ?? "";
    return {
      ok: true,
      answer: { status: res.status, statusText: res.statusText, contentType, body: bytes },
    };
  } catch (err) {
    if (signal.aborted) return { ok: false, failure: { kind: "cancelled" } };
    if (timeout.aborted) return { ok: false, failure: { kind: "timeout", ms: target.timeoutMs } };
    return { ok: false, failure: { kind: "network", message: (err as Error).message } };
  }
}

/** Whether a content type is JSON (`application/json`, `application/x+json`). */
export function isJson(contentType: string): boolean {
  const essence = contentType.split(";")[0].trim().toLowerCase();
  return essence === "application/json" || essence.endsWith("+json");
}

/** Whether an answer of this type is text (else it is passed on as a base64 blob). */
export function isText(contentType: string): boolean {
  const essence = contentType.split(";")[0].trim().toLowerCase();
  return essence === "" || essence.startsWith("text/") || isJson(essence) ||
    /^application\/(xml|javascript|yaml|x-yaml|x-www-form-urlencoded)$/.test(essence) ||
    essence.endsWith("+xml") || /charset=/i.test(contentType);
}

/** The answer's body as text (UTF-8, lenient). */
export function textOf(answer: HttpAnswer): string {
  return new TextDecoder().decode(answer.body);
}

/** The answer's body as base64. */
export function base64Of(answer: HttpAnswer): string {
  return encodeBase64(answer.body);
}

/** One line saying why a call failed, for a tool error result or a JSON-RPC error. */
export function describeFailure(what: string, f: CallFailure): string {
  switch (f.kind) {
    case "missing":
      return `Cannot ${what}: argument "${f.name}" is required by the URL`;
    case "dot-segment":
      return `Cannot ${what}: argument "${f.name}" may not be "." or ".." (it is part of the URL)`;
    case "timeout":
      return `Cannot ${what}: no answer from the backend in ${f.ms / 1000} s`;
    case "cancelled":
      return `Cannot ${what}: cancelled`;
    case "too-large":
      return `Cannot ${what}: the backend's answer exceeds ${MAX_ANSWER} bytes`;
    case "network":
      return `Cannot ${what}: ${f.message}`;
  }
}

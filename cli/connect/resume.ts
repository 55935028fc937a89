/** Pure decisions of `connect --stdio` about resuming an MCP session on a new upstream. */

// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** HTTP statuses meaning the upstream session is gone (unknown session; pod draining or away). */
const LOST = [404, 502, 503, 504];

/** Whether a failed send means the session ended with its pod (not a refusal of the message). */
export function isSessionLost(err: unknown): boolean {
  if (err instanceof StreamableHTTPError) return LOST.includes(err.code ?? 0);
  return err instanceof TypeError; // fetch: connection refused, reset or closed
}

/** The parts of an initialize result a client relies on for the whole session. */
export interface InitResult {
  protocolVersion?: unknown;
  capabilities?: unknown;
  serverInfo?: { name?: unknown };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * Why a re-initialized upstream cannot stand in for the one the client initialized (another
 * protocol version, server or capabilities), or undefined when it can.
 */
export function resumeRefusal(before: InitResult, after: InitResult): string | undefined {
  if (before.protocolVersion !== after.protocolVersion) {
    return `its protocol version changed from ${before.protocolVersion} to ${after.protocolVersion}`;
  }
  const name = (r: InitResult) => String(r.serverInfo?.name ?? "");
  if (name(before) !== name(after)) {
    return `it is another server now ("${name(before)}", then "${name(after)}")`;
  }
  if (canonical(before.capabilities ?? {}) !== canonical(after.capabilities ?? {})) {
    return "its capabilities changed";
  }
  return undefined;
}

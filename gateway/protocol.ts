/** MCP protocol revisions the gateway speaks and version negotiation (pure). */

/** The stateless revision (no initialize, version in `_meta`). */
export const STATELESS_VERSION = "2026-07-28";

/** Session-based revisions, newest first. */
export const SESSION_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/** Every revision accepted in an `MCP-Protocol-Version` header. */
export const ALL_VERSIONS = [STATELESS_VERSION, ...SESSION_VERSIONS];

/** `_meta` key carrying the protocol version in the stateless revision. */
export const META_VERSION = "io.modelcontextprotocol/protocolVersion";
/** `_meta` key carrying client capabilities in the stateless revision. */
export const META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
/** `_meta` key carrying client info in the stateless revision. */
export const META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
/** `_meta` key carrying server info in a `server/discover` result. */
export const META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

/** Picks the version to answer a client's initialize with. */
export function negotiateVersion(requested: unknown, upstream: string | undefined): string {
  if (typeof requested === "string" && SESSION_VERSIONS.includes(requested)) return requested;
  if (upstream && SESSION_VERSIONS.includes(upstream)) return upstream;
  return SESSION_VERSIONS[0];
}

/** Whether a revision allows JSON-RPC batches (only 2025-03-26 does). */
export function allowsBatch(version: string | undefined): boolean {
  return version === "2025-03-26";
}

type Caps = Record<string, unknown>;
const isObject = (v: unknown): v is Caps => typeof v === "object" && v !== null;

/**
 * The client capabilities a server-to-client request needs that `declared` (the per-request
 * `_meta` clientCapabilities of 2026-07-28) lacks, as `requiredCapabilities` for a -32021 error;
 * null when nothing is missing or the method needs no capability (pure).
 */
export function missingClientCapabilities(
  method: string | undefined,
  params: Caps | undefined,
  declared: unknown,
): Caps | null {
  const caps = isObject(declared) ? declared : {};
  if (method === "roots/list") return isObject(caps.roots) ? null : { roots: {} };
  if (method === "sampling/createMessage") {
    const sampling = caps.sampling;
    if (!isObject(sampling)) return { sampling: params?.tools ? { tools: {} } : {} };
    return params?.tools && !isObject(sampling.tools) ? { sampling: { tools: {} } } : null;
  }
  if (method === "elicitation/create") {
    const mode = params?.mode === "url" ? "url" : "form";
    const e = caps.elicitation;
    // An empty elicitation object means form mode (backwards compatibility).
    const ok = isObject(e) &&
      (isObject(e[mode]) || (mode === "form" && Object.keys(e).length === 0));
    return ok ? null : { elicitation: { [mode]: {} } };
  }
  return null;
}

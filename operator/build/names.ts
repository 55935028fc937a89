/** Names of the objects nmcp creates for an MCPServer, and the spec hash that rolls pods. */

import { createHash } from "node:crypto";
import { PULL_SECRETS_ROLE } from "../../lib/api/constants.ts";

const MAX_LABEL = 63;

/** A short stable hex digest of a JSON-able value (keys sorted). */
export function hashOf(value: unknown, length = 10): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, length);
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

function fit(base: string, suffix: string, max: number): string {
  const room = max - suffix.length;
  if (base.length <= room) return base + suffix;
  return base.slice(0, room - 9).replace(/-+$/, "") + "-" + hashOf(base, 8) + suffix;
}

/** Name of the Service of an MCPServer (a DNS-1035 label of at most 63 characters). */
export function serviceName(server: string): string {
  return fit(`mcp-${server}`, "", MAX_LABEL);
}

/** The key of the declared file in its ConfigMap (its file name in the mount). */
export const DECLARED_KEY = "declared.json";

/** Name of the ConfigMap holding a server's declared tools, prompts and resources. */
export function declaredConfigMapName(server: string): string {
  return `mcp-${server}-declared`;
}

/** Name of the pod of an MCPServer for one spec hash: a new spec gives a new pod. */
export function podName(server: string, specHash: string): string {
  return fit(server, `-${specHash.slice(0, 8)}`, MAX_LABEL);
}

/** The in-cluster URL of an MCPServer's MCP endpoint, through its Service. */
export function serviceEndpoint(server: string, namespace: string): string {
  return `http://${serviceName(server)}.${namespace}.svc:80/mcp`;
}

export { PULL_SECRETS_ROLE };

/** Key of the gateway token in its Secret. */
export const TOKEN_KEY = "token";

/** Name of the Secret holding an MCPServer's gateway token (key `token`). */
export function tokenSecretName(server: string): string {
  return fit(`mcp-${server}`, "-token", MAX_LABEL);
}

/** Name of the NetworkPolicy guarding an MCPServer's pods. */
export function networkPolicyName(server: string): string {
  return fit(`mcp-${server}`, "", MAX_LABEL);
}

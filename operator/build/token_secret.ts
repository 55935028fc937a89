/** The per-server gateway token Secret, owned by its MCPServer. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { TOKEN_KEY, tokenSecretName } from "./names.ts";
import { ownedMeta } from "./pod.ts";
import type { Secret } from "./types.ts";

/** Builds the Secret carrying the gateway token of an MCPServer (key `token`). */
export function buildTokenSecret(server: MCPServer, token: string): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: ownedMeta(server, tokenSecretName(server.metadata.name!), "gateway-token"),
    type: "Opaque",
    data: { [TOKEN_KEY]: btoa(token) },
  };
}

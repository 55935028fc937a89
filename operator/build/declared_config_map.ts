/** The ConfigMap carrying a server's declared file, owned by its MCPServer (pure). */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { DeclaredFile } from "../declared/render.ts";
import { DECLARED_KEY, declaredConfigMapName } from "./names.ts";
import { ownedMeta } from "./pod.ts";
import type { ConfigMap } from "./types.ts";

/** Builds `mcp-<server>-declared` with `declared.json` = the file (indented, stable order). */
export function buildDeclaredConfigMap(server: MCPServer, file: DeclaredFile): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: ownedMeta(server, declaredConfigMapName(server.metadata.name!), "declared"),
    data: { [DECLARED_KEY]: JSON.stringify(file, null, 2) + "\n" },
  };
}

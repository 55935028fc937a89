/** Spec checks the API server cannot do: the image allowlist and transport sanity. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { REASONS } from "./reasons.ts";

/** Why a server cannot be run as specified. */
export interface Invalid {
  reason: string;
  message: string;
}

/** Turns a glob (`*` any run of characters, `?` one) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** Whether an image matches one of the allowlist globs (an empty list allows all). */
export function imageAllowed(image: string, allowlist: string[]): boolean {
  return allowlist.length === 0 || allowlist.some((g) => globToRegExp(g).test(image));
}

/** Returns why the server is invalid, or undefined when it may run. */
export function validateServer(server: MCPServer, allowlist: string[]): Invalid | undefined {
  const { spec } = server;
  const name = server.metadata.name;
  if (!spec?.image) {
    return {
      reason: REASONS.invalidSpec,
      message: `Cannot run MCPServer "${name}": spec.image is empty`,
    };
  }
  if (!imageAllowed(spec.image, allowlist)) {
    return {
      reason: REASONS.imageNotAllowed,
      message: `Cannot run MCPServer "${name}": image "${spec.image}" is not in the allowlist`,
    };
  }
  const t = spec.transport;
  if (t && t.type !== "stdio" && !t.port) {
    return {
      reason: REASONS.invalidSpec,
      message: `Cannot run MCPServer "${name}": transport ${t.type} needs a port`,
    };
  }
  return undefined;
}

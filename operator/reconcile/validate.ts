/** Spec checks the API server cannot do: the image allowlist and transport sanity. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { globToRegExp } from "../../lib/glob.ts";
import { compileToolPolicy } from "../../lib/tool_policy/mod.ts";
import { type OAuthClusterConfig, resolveServerOAuth } from "../auth/oauth/mod.ts";
import { normalizedImageNames, normalizeImagePattern } from "../registry/reference.ts";
import { isVirtual } from "../build/pod.ts";
import { REASONS } from "./reasons.ts";
import {
  missingPackageEnv,
  type RuntimeImages,
  withPackageRuntime,
} from "../build/package_runtime.ts";

/** Why a server cannot be run as specified. */
export interface Invalid {
  reason: string;
  message: string;
}

/**
 * Whether an image matches one of the allowlist globs (an empty list allows all). Both sides
 * are normalized first (`x` = `docker.io/library/x:latest`, digests, registry case).
 */
export function imageAllowed(image: string, allowlist: string[]): boolean {
  if (allowlist.length === 0) return true;
  const names = normalizedImageNames(image);
  return allowlist.some((g) => {
    const re = globToRegExp(normalizeImagePattern(g));
    return names.some((n) => re.test(n));
  });
}

/** What a server is checked against: the image allowlist and the operator's OAuth settings. */
export interface ValidationContext {
  allowlist: string[];
  oauth?: OAuthClusterConfig;
  /** The images that run `spec.package` servers. */
  runtimeImages?: RuntimeImages;
}

/** Returns why the server is invalid, or undefined when it may run. */
export function validateServer(server: MCPServer, ctx: ValidationContext): Invalid | undefined {
  const spec = server.spec && withPackageRuntime(server, ctx.runtimeImages).spec;
  const allowlist = ctx.allowlist;
  const name = server.metadata.name;
  const virtual = !!spec && isVirtual(server);
  if (!spec?.image && !virtual) {
    return {
      reason: REASONS.invalidSpec,
      message: `Cannot run MCPServer "${name}": spec.image is empty`,
    };
  }
  if (spec.image && !imageAllowed(spec.image, allowlist)) {
    return {
      reason: REASONS.imageNotAllowed,
      message: `Cannot run MCPServer "${name}": image "${spec.image}" is not in the allowlist`,
    };
  }
  if (spec.tools) {
    const policy = compileToolPolicy(spec.tools);
    if (!policy.ok) {
      return {
        reason: REASONS.invalidToolPolicy,
        message: `Cannot run MCPServer "${name}": spec.tools: ${policy.errors.join("; ")}`,
      };
    }
  }
  const oauth = spec.auth?.oauth;
  if (oauth?.enabled) {
    const r = resolveServerOAuth(ctx.oauth, {
      namespace: server.metadata.namespace ?? "",
      name: name ?? "",
      oauth: { enabled: true, issuer: oauth.issuer, scopes: oauth.scopes },
    });
    if (r.kind === "invalid") return { reason: REASONS.invalidAuth, message: r.message };
  }
  const missing = missingPackageEnv(spec);
  if (missing) {
    return {
      reason: REASONS.invalidSpec,
      message: `Cannot run MCPServer "${name}": package variable ${missing} is required; ` +
        `set it in spec.env`,
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

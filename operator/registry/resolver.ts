/** Resolves the entrypoint of an MCPServer's image, with pull secrets and a cache. */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Entrypoint } from "../build/types.ts";
import { type KubeClient, resourcePath, RESOURCES } from "../kube/client.ts";
import { type Credentials, fetchImageProcess, type RegistryOptions } from "./client.ts";
import { authKeys, parseImageRef } from "./reference.ts";

/** Options of {@linkcode createResolver}. */
export interface ResolverOptions {
  /** How long a tag → process answer is reused. Default 10 min. */
  ttlMs?: number;
  registry?: Omit<RegistryOptions, "credentials">;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

/** Finds credentials for a registry in `.dockerconfigjson` documents. */
export function credentialsFor(registry: string, configs: DockerConfig[]): Credentials | undefined {
  for (const cfg of configs) {
    for (const key of authKeys(registry)) {
      const a = cfg.auths?.[key];
      if (!a) continue;
      if (a.username !== undefined) return { username: a.username, password: a.password ?? "" };
      if (a.auth) {
        const plain = atob(a.auth);
        const i = plain.indexOf(":");
        return { username: plain.slice(0, i), password: plain.slice(i + 1) };
      }
    }
  }
  return undefined;
}

async function pullConfigs(client: KubeClient, server: MCPServer): Promise<DockerConfig[]> {
  const out: DockerConfig[] = [];
  for (const ref of server.spec.imagePullSecrets ?? []) {
    const path = resourcePath(RESOURCES.secrets, server.metadata.namespace, ref.name);
    const secret = await client.request<{ data?: Record<string, string> }>("GET", path)
      .catch(() => undefined);
    const raw = secret?.data?.[".dockerconfigjson"];
    if (raw) out.push(JSON.parse(atob(raw)) as DockerConfig);
  }
  return out;
}

/** Creates a resolver: reads the image config (cached by config digest and, briefly, by tag). */
export function createResolver(client: KubeClient | undefined, opts: ResolverOptions = {}) {
  const byRef = new Map<string, { at: number; value: Entrypoint }>();
  const byDigest = new Map<string, Entrypoint>();
  const ttl = opts.ttlMs ?? 600_000;
  return async (server: MCPServer): Promise<Entrypoint | { error: string }> => {
    const image = server.spec.image;
    try {
      const ref = parseImageRef(image);
      const configs = client ? await pullConfigs(client, server) : [];
      const credentials = credentialsFor(ref.registry, configs);
      const cacheKey = `${image}|${credentials?.username ?? ""}`;
      const hit = byRef.get(cacheKey);
      if (hit && Date.now() - hit.at < ttl) return hit.value;
      const p = await fetchImageProcess(ref, { ...opts.registry, credentials });
      const value = byDigest.get(p.configDigest) ?? { command: p.entrypoint, args: p.cmd };
      byDigest.set(p.configDigest, value);
      byRef.set(cacheKey, { at: Date.now(), value });
      if (value.command.length + value.args.length === 0) {
        return {
          error: `Cannot run image "${image}": it declares no Entrypoint or Cmd; set spec.command`,
        };
      }
      return value;
    } catch (err) {
      return {
        error: `Cannot read entrypoint of image "${image}": ${
          (err as Error).message
        }; set spec.command`,
      };
    }
  };
}

/** Resolves the entrypoint of an MCPServer's image, with pull secrets and a cache. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { PULL_SECRETS_ROLE } from "../build/names.ts";
import type { Entrypoint } from "../build/types.ts";
import { isForbidden, type KubeClient, resourcePath, RESOURCES } from "../../lib/kube/mod.ts";
import { type Credentials, fetchImageProcess, type RegistryOptions } from "./client.ts";
import { authKeys, parseImageRef } from "./reference.ts";

/** Options of {@linkcode createResolver}. */
export interface ResolverOptions {
  /** How long a tag → process answer is reused. Default 10 min. */
  ttlMs?: number;
  registry?: Omit<RegistryOptions, "credentials">;
  /** The operator's ServiceAccount (`namespace:name`), named in the hint of a 403. */
  serviceAccount?: string;
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

/** The message of a Secret the operator may not read, with the RoleBinding that grants it. */
export function forbiddenPullSecret(namespace: string, name: string, serviceAccount: string) {
  return `Cannot read Secret "${namespace}/${name}": forbidden; let the operator read pull ` +
    `secrets there: kubectl create rolebinding ${PULL_SECRETS_ROLE} -n ${namespace} ` +
    `--clusterrole=${PULL_SECRETS_ROLE} --serviceaccount=${serviceAccount}`;
}

async function pullConfigs(
  client: KubeClient,
  server: MCPServer,
  serviceAccount: string,
): Promise<DockerConfig[]> {
  const out: DockerConfig[] = [];
  const ns = server.metadata.namespace!;
  for (const ref of server.spec.imagePullSecrets ?? []) {
    const path = resourcePath(RESOURCES.secrets, ns, ref.name);
    const secret = await client.request<{ data?: Record<string, string> }>("GET", path)
      .catch((err) => {
        if (isForbidden(err)) {
          throw new PullSecretForbidden(forbiddenPullSecret(ns, ref.name, serviceAccount));
        }
        return undefined; // absent or unreadable: the registry may not need it
      });
    const raw = secret?.data?.[".dockerconfigjson"];
    if (raw) out.push(JSON.parse(atob(raw)) as DockerConfig);
  }
  return out;
}

class PullSecretForbidden extends Error {}

/** Creates a resolver: reads the image config (cached by config digest and, briefly, by tag). */
export function createResolver(client: KubeClient | undefined, opts: ResolverOptions = {}) {
  const byRef = new Map<string, { at: number; value: Entrypoint }>();
  const byDigest = new Map<string, Entrypoint>();
  const ttl = opts.ttlMs ?? 600_000;
  return async (server: MCPServer): Promise<Entrypoint | { error: string }> => {
    const image = server.spec.image ?? "";
    try {
      const ref = parseImageRef(image);
      const sa = opts.serviceAccount ?? "nmcp-system:nmcp-operator";
      const configs = client ? await pullConfigs(client, server, sa) : [];
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
      if (err instanceof PullSecretForbidden) return { error: err.message };
      return {
        error: `Cannot read entrypoint of image "${image}": ${
          (err as Error).message
        }; set spec.command`,
      };
    }
  };
}

/**
 * The writes `run`, `add` and `secret` make that the plugin's `Kube` interface has no verb for:
 * a create (kubectl's AlreadyExists semantics) and a server's env Secret, merged key by key.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import { encodeBase64 } from "../../lib/base64.ts";
import type { Context } from "../context.ts";
import { collectionPath, FIELD_MANAGER } from "../kube/client.ts";
import { isNotFound, type KubeClient, resourcePath, RESOURCES } from "../../lib/kube/mod.ts";
import { clientOf as sessionClient } from "../raw.ts";
import { SERVER } from "../resources.ts";

/** The REST client of the command's session (the kubeconfig is loaded once per run). */
async function clientOf(ctx: Context): Promise<KubeClient> {
  return sessionClient(await ctx.connect());
}

const WRITE = { fieldManager: FIELD_MANAGER, fieldValidation: "Strict" };

/** Creates an MCPServer; an existing one is an AlreadyExists error, as with kubectl create. */
export async function createServer(ctx: Context, server: MCPServer): Promise<MCPServer> {
  const path = collectionPath(SERVER, server.metadata.namespace);
  return await (await clientOf(ctx)).request<MCPServer>("POST", path, {
    body: server,
    query: WRITE,
  });
}

/** A Secret, as far as the plugin writes it. */
export interface SecretObject {
  apiVersion: "v1";
  kind: "Secret";
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    ownerReferences?: Record<string, unknown>[];
  };
  type?: string;
  data?: Record<string, string>;
}

/** The controller-less owner reference that deletes the Secret with its server. */
export function ownedBy(server: MCPServer): Record<string, unknown>[] {
  if (!server.metadata.uid) return [];
  return [{
    apiVersion: server.apiVersion,
    kind: server.kind,
    name: server.metadata.name,
    uid: server.metadata.uid,
  }];
}

/**
 * Sets keys of a Secret, creating it when absent (other keys are kept); resolves to
 * "created" or "configured".
 */
export async function setSecretKeys(
  ctx: Context,
  secret: SecretObject,
  values: Record<string, string>,
): Promise<"created" | "configured"> {
  const t = await clientOf(ctx);
  const { name, namespace } = secret.metadata;
  const data = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, encodeBase64(new TextEncoder().encode(v))]),
  );
  try {
    await t.request("PATCH", resourcePath(RESOURCES.secrets, namespace, name), {
      body: { data },
      contentType: "application/merge-patch+json",
      query: WRITE,
    });
    return "configured";
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await t.request("POST", resourcePath(RESOURCES.secrets, namespace), {
    body: { type: "Opaque", ...secret, data },
    query: WRITE,
  });
  return "created";
}

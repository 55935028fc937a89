/**
 * The operator's gateway-token key: 32 random bytes kept in one Secret of the operator's own
 * namespace (`nmcp-gateway-key`, key `key`), so every replica derives the same per-server
 * tokens. The first replica to start creates it; the others read it. A file (`--token-key-file`)
 * may be given instead.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "../../lib/base64.ts";
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  resourcePath,
  RESOURCES,
} from "../../lib/kube/mod.ts";
import { importTokenKey } from "./server_token.ts";
import { TOKEN_KEY_SECRET } from "../../lib/api/constants.ts";

export { TOKEN_KEY_SECRET };

/** Where the key comes from. */
export interface TokenKeySource {
  client: KubeClient;
  /** The operator's namespace (where the Secret lives). */
  namespace: string;
  /** Read the raw key from this file instead of the Secret. */
  file?: string;
}

async function readSecretKey(client: KubeClient, ns: string): Promise<Uint8Array | undefined> {
  try {
    const s = await client.request<{ data?: Record<string, string> }>(
      "GET",
      resourcePath(RESOURCES.secrets, ns, TOKEN_KEY_SECRET),
    );
    const data = s.data?.key;
    if (!data) throw new TypeError(`Cannot read Secret "${ns}/${TOKEN_KEY_SECRET}": no key "key"`);
    return decodeBase64(data);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Loads (or, on first start, creates) the key and imports it for token derivation. */
export async function loadTokenKey(src: TokenKeySource): Promise<CryptoKey> {
  if (src.file) return await importTokenKey(await Deno.readFile(src.file));
  for (let attempt = 0; attempt < 3; attempt++) {
    const have = await readSecretKey(src.client, src.namespace);
    if (have) return await importTokenKey(have);
    const raw = crypto.getRandomValues(new Uint8Array(32));
    try {
      await src.client.request("POST", resourcePath(RESOURCES.secrets, src.namespace), {
        body: {
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            name: TOKEN_KEY_SECRET,
            namespace: src.namespace,
            labels: { "app.kubernetes.io/managed-by": "nmcp-operator" },
          },
          type: "Opaque",
          data: { key: encodeBase64(raw) },
        },
        query: { fieldManager: "nmcp-operator" },
      });
      return await importTokenKey(raw);
    } catch (e) {
      // Another replica created it first: read theirs.
      if (!isAlreadyExists(e)) throw e;
    }
  }
  throw new Error(
    `Cannot load Secret "${src.namespace}/${TOKEN_KEY_SECRET}": created and lost 3 times`,
  );
}

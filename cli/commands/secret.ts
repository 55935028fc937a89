/** `kubectl nmcp secret set NAME KEY [VALUE|--from-file F|stdin]`: a server's env Secret. */

import { LABELS, type MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { canPrompt, promptLine, readStdin } from "../mcp/input.ts";
import { envSecretName } from "../mcp/names.ts";
import { ownedBy, setSecretKeys } from "../mcp/objects.ts";
import { SERVER } from "../resources.ts";

/** Options of `secret set`. */
export interface SecretOptions {
  fromFile?: string;
}

async function valueOf(key: string, given: string | undefined, opts: SecretOptions) {
  if (given !== undefined && opts.fromFile) {
    throw new TypeError("Cannot set secret: give VALUE or --from-file, not both");
  }
  if (given !== undefined) return given;
  if (opts.fromFile) return await Deno.readTextFile(opts.fromFile);
  return canPrompt() ? await promptLine(`${key}: `, true) : await readStdin();
}

/** The env list with `key` read from the Secret, or undefined when the server already sets it. */
export function withSecretRef(server: MCPServer, key: string, secret: string) {
  const env = server.spec.env ?? [];
  if (env.some((e) => e.name === key)) return undefined;
  return [...env, { name: key, valueFrom: { secretKeyRef: { name: secret, key } } }];
}

/** Runs `secret set`: writes the key, then makes the server read it when it does not yet. */
export async function run(
  _verb: string,
  args: string[],
  opts: SecretOptions,
  ctx: Context,
): Promise<number> {
  const [action, name, key, given] = args;
  if (action !== "set" || !name || !key) {
    throw new TypeError("Cannot run secret: usage is kubectl nmcp secret set NAME KEY [VALUE]");
  }
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  const server = await session.kube.get<MCPServer>(SERVER, ns, name);
  const secretName = envSecretName(name);
  const value = await valueOf(key, given, opts);
  const verb = await setSecretKeys(ctx, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: secretName,
      namespace: ns,
      labels: { [LABELS.server]: name },
      ownerReferences: ownedBy(server),
    },
  }, { [key]: value });
  ctx.io.out(`secret/${secretName} ${verb}\n`);
  const env = withSecretRef(server, key, secretName);
  if (env) {
    const rv = server.metadata.resourceVersion;
    await session.kube.mergePatch(SERVER, ns, name, {
      metadata: { resourceVersion: rv },
      spec: { env },
    });
    ctx.io.out(
      `mcpserver.nmcp.nwrx.io/${name} configured (env ${key} from secret/${secretName})\n`,
    );
  }
  return 0;
}

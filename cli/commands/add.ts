/** `kubectl nmcp add [NAME] --from server.json|URL`: an MCP registry entry → MCPServer + Secret. */

import { LABELS, type MCPServer } from "../../lib/api/mod.ts";
import { encodeBase64 } from "../../lib/base64.ts";
import type { Context } from "../context.ts";
import type { KubeObject } from "../kube/client.ts";
import { canPrompt, promptLine, readSource } from "../mcp/input.ts";
import { ownedBy, type SecretObject, setSecretKeys } from "../mcp/objects.ts";
import { parsePairs } from "../mcp/run_spec.ts";
import { type Converted, convertServerJson, withValues } from "../mcp/server_json.ts";
import { printWritten, registryHint } from "../mcp/written.ts";
import { dryRunOf } from "./run.ts";

/** Options of `add`. */
export interface AddOptions {
  from: string;
  packageIndex?: string;
  env?: string[];
  arg?: string[];
  dryRun?: string | boolean;
  output?: "json" | "yaml" | "name";
}

async function fillMissing(c: Converted): Promise<Converted> {
  if (c.missing.length === 0) return c;
  const name = c.server.metadata.name;
  if (!canPrompt()) {
    const v = c.missing[0];
    throw new TypeError(
      `Cannot add MCPServer "${name}": ${v.isSecret ? "secret " : ""}variable ${v.name} ` +
        `has no value; pass --env ${v.name}=VALUE`,
    );
  }
  const values: Record<string, string> = {};
  for (const v of c.missing) {
    const about = v.description ? ` (${v.description})` : "";
    values[v.name] = await promptLine(`${v.name}${about}: `, v.isSecret === true);
  }
  return withValues(c, values);
}

function secretOf(c: Converted, server: MCPServer): SecretObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: c.secretName,
      namespace: server.metadata.namespace!,
      labels: { [LABELS.server]: server.metadata.name! },
      ownerReferences: ownedBy(server),
    },
    type: "Opaque",
  };
}

function encoded(values: Record<string, string>): Record<string, string> {
  const bytes = (v: string) => new TextEncoder().encode(v);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeBase64(bytes(v))]));
}

/** Runs `add`. */
export async function run(
  _verb: string,
  args: string[],
  opts: AddOptions,
  ctx: Context,
): Promise<number> {
  const session = await ctx.connect();
  const index = opts.packageIndex === undefined ? undefined : Number(opts.packageIndex);
  if (index !== undefined && !Number.isInteger(index)) {
    throw new TypeError(`Cannot use --package-index "${opts.packageIndex}": not a number`);
  }
  const doc = JSON.parse(await readSource(opts.from));
  const converted = await fillMissing(convertServerJson(doc, {
    name: args[0],
    namespace: session.defaultNamespace,
    packageIndex: index,
    values: Object.fromEntries(parsePairs(opts.env, "--env")),
    args: Object.fromEntries(parsePairs(opts.arg, "--arg")),
  }));
  const hasSecret = Object.keys(converted.secret).length > 0;
  if (dryRunOf(opts.dryRun)) {
    const secret = { ...secretOf(converted, converted.server), data: encoded(converted.secret) };
    const objects = hasSecret ? [converted.server, secret] : [converted.server];
    await printWritten(ctx, objects, opts.output, "configured (dry run)");
    return 0;
  }
  const obj = converted.server as unknown as KubeObject;
  const server = await session.kube.apply(obj) as unknown as MCPServer;
  const written: { kind?: string; metadata?: { name?: string } }[] = [server];
  if (hasSecret) {
    await setSecretKeys(ctx, secretOf(converted, server), converted.secret);
    written.unshift(secretOf(converted, server));
  }
  await printWritten(ctx, written, opts.output === "name" ? "name" : undefined, "configured");
  registryHint(ctx, server);
  return 0;
}

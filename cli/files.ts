/** Reads objects from `-f` arguments: files, directories (*.yaml, *.yml, *.json) and `-`. */

import { parseAllDocuments } from "yaml";
import type { KubeObject } from "./kube/client.ts";

const EXTENSIONS = [".yaml", ".yml", ".json"];

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

async function filesOf(path: string): Promise<string[]> {
  const info = await Deno.stat(path).catch(() => undefined);
  if (!info) throw new Error(`Cannot read file "${path}": no such file or directory`);
  if (!info.isDirectory) return [path];
  const out: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    if (entry.isFile && EXTENSIONS.some((e) => entry.name.endsWith(e))) {
      out.push(`${path.replace(/\/$/, "")}/${entry.name}`);
    }
  }
  return out.sort();
}

/** Parses YAML/JSON text (one or more documents; `List` kinds are flattened). */
export function parseDocuments(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new SyntaxError(`Cannot parse file "${source}": ${doc.errors[0].message}`);
    }
    const value = doc.toJSON() as KubeObject | null;
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || !value.kind || !value.apiVersion) {
      throw new TypeError(`Cannot read object in "${source}": apiVersion and kind are required`);
    }
    if (value.kind === "List" || value.kind.endsWith("List")) {
      out.push(...((value as { items?: KubeObject[] }).items ?? []));
    } else out.push(value);
  }
  return out;
}

/** Reads every object named by `-f` paths, in order. */
export async function readObjects(
  paths: string[],
  stdin: () => Promise<string> = readStdin,
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const path of paths) {
    if (path === "-") {
      out.push(...parseDocuments(await stdin(), "stdin"));
      continue;
    }
    for (const file of await filesOf(path)) {
      out.push(...parseDocuments(await Deno.readTextFile(file), file));
    }
  }
  if (out.length === 0) throw new Error(`Cannot apply "${paths.join(",")}": no objects passed`);
  return out;
}

/** Sets each object's namespace (checking it against an explicit `-n`, like kubectl). */
export function placeObjects(
  objs: KubeObject[],
  namespace: string,
  explicit: string | undefined,
): KubeObject[] {
  return objs.map((o) => {
    const own = o.metadata?.namespace;
    if (own && explicit && own !== explicit) {
      throw new Error(
        `Cannot apply ${o.kind} "${o.metadata.name}": its namespace "${own}" does not match ` +
          `--namespace "${explicit}"`,
      );
    }
    return { ...o, metadata: { ...o.metadata, namespace: own ?? namespace } };
  });
}

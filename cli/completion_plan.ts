/** Pure planning of shell completion: what to offer for the word being completed. */

import type { KubeFlags } from "./kube_flags.ts";

/** Cobra's completion directives (bit flags). */
export const DIRECTIVE = { error: 1, noSpace: 2, noFileComp: 4, default: 0 } as const;

/** Verbs and their one-line descriptions. */
export const VERBS: Record<string, string> = {
  apply: "create or update MCPServers and MCPPools",
  completion: "print a shell completion script",
  connect: "wake a server and tunnel it to 127.0.0.1",
  delete: "delete MCPServers or MCPPools",
  describe: "show details of a server or pool",
  diff: "show what apply would change",
  export: "print the install objects as YAML",
  get: "show MCPServers or MCPPools",
  install: "install the CRDs and the operator",
  logs: "print the logs of a server",
  ls: "list servers and pools",
  start: "request servers to run",
  stop: "stop running servers",
  uninstall: "remove the operator and the CRDs",
  run: "create an MCPServer from an image or a package",
  add: "create an MCPServer from a registry server.json",
  secret: "set a key of a server's Secret",
  tools: "list a server's tools",
  call: "call one tool of a server",
  version: "print the plugin's, API server's and operator's versions",
};

const GLOBAL_FLAGS = ["--namespace", "--all-namespaces", "--context", "--kubeconfig", "--verbose"];
const VERB_FLAGS: Record<string, string[]> = {
  apply: ["--filename", "--force-conflicts", "--validate", "--dry-run"],
  diff: ["--filename", "--force-conflicts", "--validate"],
  connect: ["--port", "--timeout", "--stdio", "--refresh"],
  delete: ["--filename", "--ignore-not-found", "--all", "--selector", "--dry-run"],
  export: ["--type", "--image", "--version", "--operator-namespace"],
  get: ["--output", "--selector", "--watch", "--show-labels"],
  install: ["--image", "--version", "--operator-namespace"],
  logs: ["--follow", "--gateway", "--tail", "--previous"],
  ls: ["--output", "--selector", "--watch", "--show-labels"],
  start: ["--wait", "--timeout"],
  uninstall: ["--keep-crds", "--operator-namespace"],
  version: ["--client", "--output", "--operator-namespace"],
};
const VALUE_FLAGS = new Set([
  "-n",
  "--namespace",
  "--context",
  "--kubeconfig",
  "-o",
  "--output",
  "-f",
  "--filename",
  "-l",
  "--selector",
  "--port",
  "--timeout",
  "--refresh",
  "--type",
  "--image",
  "--version",
  "--operator-namespace",
  "--tail",
]);
const TYPES = ["mcpserver", "mcppool"];
const POOL_TYPES = new Set(["mcppool", "mcppools", "mcpp", "pool", "pools"]);

/** What to offer: fixed words, or names to fetch from the cluster or kubeconfig. */
export type CompletionPlan =
  | { source: "static"; values: string[]; directive: number }
  | { source: "servers" | "pools" | "namespaces" | "contexts"; extra: string[]; directive: number }
  | { source: "files"; directive: number };

/** Splits the words before the cursor into the verb, positional args and the global flags. */
export function scanWords(
  words: string[],
): { verb?: string; positional: string[]; flags: KubeFlags } {
  const flags: KubeFlags = {};
  const positional: string[] = [];
  let verb: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const [key, inline] = w.startsWith("--") && w.includes("=") ? w.split("=", 2) : [w, undefined];
    if (key.startsWith("-")) {
      const value = VALUE_FLAGS.has(key) ? inline ?? words[++i] : undefined;
      if (key === "-n" || key === "--namespace") flags.namespace = value;
      if (key === "--context") flags.context = value;
      if (key === "--kubeconfig") flags.kubeconfig = value;
      if (key === "-A" || key === "--all-namespaces") flags.allNamespaces = true;
      continue;
    }
    if (verb === undefined) verb = w;
    else positional.push(w);
  }
  return { verb, positional, flags };
}

/** Plans the completion of `toComplete` after `words`. */
export function planCompletion(words: string[], toComplete: string): CompletionPlan {
  const prev = words.at(-1) ?? "";
  const { verb, positional } = scanWords(words);
  const nf = DIRECTIVE.noFileComp;
  if (VALUE_FLAGS.has(prev)) {
    if (prev === "-n" || prev === "--namespace") {
      return { source: "namespaces", extra: [], directive: nf };
    }
    if (prev === "--context") return { source: "contexts", extra: [], directive: nf };
    if (prev === "-o" || prev === "--output") {
      const values = ["wide", "json", "yaml", "name", "jsonpath=", "custom-columns="];
      return { source: "static", values, directive: nf };
    }
    if (prev === "--type") return { source: "static", values: ["crd", "manifests"], directive: nf };
    if (prev === "-f" || prev === "--filename" || prev === "--kubeconfig") {
      return { source: "files", directive: DIRECTIVE.default };
    }
    return { source: "static", values: [], directive: nf };
  }
  if (toComplete.startsWith("-")) {
    const values = [...(VERB_FLAGS[verb ?? ""] ?? []), ...GLOBAL_FLAGS];
    return {
      source: "static",
      values: values.filter((f) => f.startsWith(toComplete)),
      directive: nf,
    };
  }
  if (verb === undefined) return { source: "static", values: Object.keys(VERBS), directive: nf };
  switch (verb) {
    case "connect":
    case "logs":
    case "tools":
    case "call":
      return positional.length === 0
        ? { source: "servers", extra: [], directive: nf }
        : { source: "static", values: [], directive: nf };
    case "start":
    case "stop":
      return { source: "servers", extra: [], directive: nf };
    case "get":
    case "describe":
    case "delete":
      if (positional.length === 0) return { source: "servers", extra: TYPES, directive: nf };
      if (POOL_TYPES.has(positional[0])) return { source: "pools", extra: [], directive: nf };
      return { source: "servers", extra: [], directive: nf };
    case "completion":
      return { source: "static", values: ["bash", "zsh", "fish"], directive: nf };
    default:
      return { source: "static", values: [], directive: nf };
  }
}

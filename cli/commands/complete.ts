/**
 * `kubectl_complete-nmcp __complete ARGS… TOCOMPLETE`: kubectl's plugin completion protocol
 * (cobra's): one candidate per line, then `:<directive>`. Cluster errors yield no candidates.
 */

import { planCompletion, scanWords, VERBS } from "../completion_plan.ts";
import type { IO } from "../io.ts";
import type { KubeFlags } from "../kube_flags.ts";

async function fetchNames(source: string, flags: KubeFlags): Promise<string[]> {
  const [{ loadTarget, readKubeconfig }, { createKube }, { POOL, SERVER }] = await Promise.all([
    import("../kube/target.ts"),
    import("../kube/client.ts"),
    import("../resources.ts"),
  ]);
  if (source === "contexts") return readKubeconfig(flags, Deno.env.toObject()).contexts;
  const target = await loadTarget(flags);
  const kube = createKube(target.client, target.access);
  if (source === "namespaces") return await kube.namespaces();
  const kind = source === "pools" ? POOL : SERVER;
  const list = await kube.list(kind, target.defaultNamespace);
  return list.items.map((o) => o.metadata.name ?? "");
}

/** Answers one completion request; always exits 0 like cobra. */
export async function complete(args: string[], io: IO, withDescriptions = true): Promise<number> {
  const words = args.slice(0, -1);
  const toComplete = args.at(-1) ?? "";
  const plan = planCompletion(words, toComplete);
  let values: string[] = [];
  if (plan.source === "static") values = plan.values;
  else if (plan.source !== "files") {
    const names = await fetchNames(plan.source, scanWords(words).flags).catch(() => []);
    values = [...plan.extra, ...names];
  }
  const verbless = scanWords(words).verb === undefined;
  const shown = values.filter((v) => v.startsWith(toComplete));
  const lines = shown.map((v) =>
    withDescriptions && verbless && VERBS[v] ? `${v}\t${VERBS[v]}` : v
  );
  io.out(lines.map((l) => l + "\n").join("") + `:${plan.directive}\n`);
  io.err(`Completion ended with directive: ${plan.directive}\n`);
  return 0;
}

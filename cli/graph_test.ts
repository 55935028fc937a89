/**
 * The plugin's start-up module graph: `kubectl nmcp --help` (the static imports of
 * cli/main.ts) must load none of the operator, prom-client or client-node; verbs that talk to
 * the cluster load lib/kube, and client-node only by dynamic import (exec/auth-provider users).
 */

import assert from "node:assert/strict";

interface Dep {
  specifier: string;
  isDynamic?: boolean;
  code?: { specifier: string };
}

interface ModuleInfo {
  specifier: string;
  kind?: string;
  npmPackage?: string;
  dependencies?: Dep[];
}

interface GraphInfo {
  modules: ModuleInfo[];
  redirects: Record<string, string>;
  npmPackages: Record<string, { name: string; dependencies?: string[] }>;
}

async function denoInfo(entry: string): Promise<GraphInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Local modules and npm package names reachable from `root` (dynamic imports only if asked). */
function reachable(g: GraphInfo, root: string, dynamic: boolean) {
  const byId = new Map(g.modules.map((m) => [m.specifier, m]));
  const local = new Set<string>();
  const npm = new Set<string>();
  const addPackage = (id: string) => {
    const pkg = g.npmPackages[id];
    if (!pkg || npm.has(`${pkg.name}@${id}`)) return;
    npm.add(`${pkg.name}@${id}`);
    for (const d of pkg.dependencies ?? []) addPackage(d);
  };
  const queue = [root];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const spec = g.redirects[id] ?? id;
    const m = byId.get(spec);
    if (!m || local.has(spec)) continue;
    if (m.kind === "npm") {
      if (m.npmPackage) addPackage(m.npmPackage);
      continue;
    }
    local.add(spec);
    for (const d of m.dependencies ?? []) {
      if (d.code && (dynamic || !d.isDynamic)) queue.push(d.code.specifier);
    }
  }
  const names = [...npm].map((p) => p.slice(0, p.indexOf("@", 1)));
  return { local: [...local], npm: new Set(names) };
}

const root = (path: string) => new URL(`../${path}`, import.meta.url).href;

Deno.test("kubectl nmcp --help statically loads no operator/, prom-client or client-node module", async () => {
  const g = reachable(await denoInfo("cli/main.ts"), root("cli/main.ts"), false);
  assert.ok(g.local.some((m) => m.endsWith("/cli/main.ts")), "the graph was read");
  assert.deepEqual(g.local.filter((m) => m.includes("/operator/")), []);
  assert.deepEqual(g.local.filter((m) => m.includes("/lib/kube/")), []);
  for (const pkg of ["prom-client", "@kubernetes/client-node", "undici"]) {
    assert.ok(!g.npm.has(pkg), `${pkg} is loaded by --help`);
  }
});

Deno.test("the cluster verbs load lib/kube without client-node, and install/export nothing of operator/", async () => {
  for (
    const entry of [
      "cli/kube/target.ts",
      "cli/kube/client.ts",
      "cli/commands/install.ts",
      "cli/commands/export.ts",
    ]
  ) {
    const g = reachable(await denoInfo(entry), root(entry), false);
    assert.ok(!g.npm.has("@kubernetes/client-node"), `${entry} statically loads client-node`);
    assert.ok(!g.npm.has("prom-client"), `${entry} loads prom-client`);
    const operator = g.local.filter((m) => m.includes("/operator/"));
    assert.deepEqual(operator, [], `${entry} imports operator/`);
  }
  const all = reachable(await denoInfo("cli/kube/target.ts"), root("cli/kube/target.ts"), true);
  assert.ok(all.npm.has("@kubernetes/client-node"), "exec/auth-provider users still reach it");
  assert.ok(all.local.some((m) => m.endsWith("/lib/kube/access_plugin.ts")));
});

/**
 * The Dockerfile cannot be built here (no Docker engine). This pins what it depends on: every
 * path it copies exists, the executables it installs are the ones the operator's pods and
 * the harness images call, and each entrypoint runs from its `deno bundle` output.
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { operatorManifests } from "../../operator/mod.ts";
import { startListening, waitHealthy } from "../../bench/mod.ts";
import { bundle, TARGETS } from "../../scripts/bundle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const dockerfile = await Deno.readTextFile(`${ROOT}Dockerfile`);

/** `COPY` sources of the build stage (those without --from). */
function localCopies(text: string): string[] {
  return [...text.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => {
    const words = m[1].trim().split(/\s+/);
    return words.slice(0, -1);
  });
}

Deno.test("Dockerfile copies only paths that exist and compiles the three entrypoints", async () => {
  const sources = localCopies(dockerfile);
  assert.ok(sources.length >= 5, `expected COPY lines, got ${sources}`);
  for (const src of sources) await Deno.stat(`${ROOT}${src}`);
  const compiled = [...dockerfile.matchAll(/--output \/out\/(\S+) (\S+\.ts)/g)];
  assert.deepEqual(compiled.map((m) => m[1]).sort(), [
    "kubectl-nmcp",
    "nmcp-gateway",
    "nmcp-operator",
  ]);
  for (const [, , entry] of compiled) await Deno.stat(`${ROOT}${entry}`);
  assert.match(dockerfile, /COPY --from=busybox \/bin\/busybox \/bin\/busybox/);
  assert.match(dockerfile, /^USER 65532:65532$/m, "the image runs as non-root");
});

Deno.test("the image's executables are the ones the operator's manifests and pods call", () => {
  const deployment = operatorManifests({ image: "x" }).find((o) => o.kind === "Deployment");
  const text = JSON.stringify(deployment);
  assert.match(text, /"command":\["nmcp-operator"\]/);
  assert.match(dockerfile, /ENTRYPOINT \["\/usr\/local\/bin\/nmcp-operator"\]/);
});

Deno.test("each entrypoint runs from its deno bundle; the gateway bundle serves MCP", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "nmcp-bundle-" });
  try {
    const mains = new Map<string, string>();
    for (const t of TARGETS) {
      const out = `${outDir}/${t.out.split("/").pop()}`;
      assert.ok(await bundle({ ...t, out }), `bundle ${t.entry}`);
      const main = t.split ? `${out}/main.js` : out;
      mains.set(t.entry, main);
      if (t.library) {
        const mod = await import(pathToFileURL(main).href);
        assert.equal(typeof mod.createTracing, "function", `${t.entry} exports from the bundle`);
        continue;
      }
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", "--no-config", main, "--help"],
        cwd: outDir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(run.stdout);
      assert.equal(run.code, 0, `${main} --help: ${new TextDecoder().decode(run.stderr)}`);
      assert.match(text, /Usage:/, `${t.entry} prints its usage from the bundle`);
    }
    await serveFromBundle(mains.get("gateway/main.ts")!, outDir);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

/** Starts the gateway bundle in front of the everything server and waits for /readyz. */
async function serveFromBundle(main: string, cwd: string): Promise<void> {
  const everything = `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
  const argv = [Deno.execPath(), "run", "-A", "--quiet", "--no-config", main]
    .concat(["--host", "127.0.0.1", "--port", "0", "--stdio", "--", "node", everything, "stdio"]);
  const gateway = await startListening(argv, "the gateway bundle", { cwd, timeoutMs: 20_000 });
  try {
    // the bundled gateway initializes the upstream and reports ready
    await waitHealthy(`${gateway.base}/readyz`, 20_000);
  } finally {
    await gateway.stop();
  }
}

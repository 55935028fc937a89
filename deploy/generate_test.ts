import assert from "node:assert/strict";
import { startTestCluster } from "../tests/harness/apiserver/_testing.ts";
import { renderDeploy } from "./generate.ts";

Deno.test("deploy/base and the monitoring component are up to date (run `deno task deploy`)", async () => {
  for (const [dir, files] of renderDeploy()) {
    for (const [name, expected] of files) {
      const path = `${dir}/${name}`;
      const actual = await Deno.readTextFile(new URL(path, import.meta.url)).catch(() => "");
      assert.equal(actual, expected, `deploy/${path} is stale: run \`deno task deploy\``);
    }
  }
});

Deno.test("kubectl kustomize renders the restricted overlay, which kubectl accepts", async () => {
  const c = await startTestCluster();
  try {
    const rendered = await c.kubectl(["kustomize", "deploy/overlays/restricted"]);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.match(rendered.stdout, /image: ghcr.io\/nwrx\/nmcp:0.1.0/);
    assert.match(rendered.stdout, /--image-allowlist=ghcr.io\/my-org\/mcp-\*,node:22-\*/);
    assert.match(
      rendered.stdout,
      /kind: NetworkPolicy\n\s*metadata:\n\s*name: nmcp-operator\n\s*namespace: nmcp-system\nspec:\n\s*ingress:\n\s*- ports:\n\s*- port: 8080/,
    );
    const applied = await c.kubectl(["apply", "-k", "deploy/overlays/restricted"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /deployment.apps\/nmcp-operator created/);
    assert.match(applied.stdout, /networkpolicy.networking.k8s.io\/nmcp-operator created/);
  } finally {
    await c.close();
  }
});

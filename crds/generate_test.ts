import assert from "node:assert/strict";
import { renderAll } from "./generate.ts";

Deno.test("crds/ is up to date with lib/api (run `deno task crds` when this fails)", async () => {
  for (const [name, expected] of renderAll()) {
    const actual = await Deno.readTextFile(new URL(name, import.meta.url)).catch(() => "");
    assert.equal(actual, expected, `crds/${name} is stale: run \`deno task crds\``);
  }
});

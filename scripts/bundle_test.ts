import assert from "node:assert/strict";
import { deferChunkImports, TARGETS } from "./bundle.ts";

Deno.test("deferChunkImports() hides relative chunk imports from Deno's preloader only", () => {
  const code =
    'const m = await import("./ls-ABC.js");\nimport("node:fs");\nimport x from "./chunk-1.js";';
  assert.equal(
    deferChunkImports(code),
    'const m = await import(new URL("./ls-ABC.js", import.meta.url).href);\n' +
      'import("node:fs");\nimport x from "./chunk-1.js";',
  );
});

Deno.test("TARGETS bundle the CLI code-split into dist/kubectl-nmcp", () => {
  assert.deepEqual(TARGETS[0], { entry: "cli/main.ts", out: "dist/kubectl-nmcp", split: true });
});

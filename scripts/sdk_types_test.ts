import assert from "node:assert/strict";
import { findUntypedSdkImports, SDK_PREFIX, tsTypesLine } from "./sdk_types.ts";

const ROOT = new URL("../", import.meta.url);
const SKIP_DIRS = new Set(["node_modules", "dist"]);
const client = `${SDK_PREFIX}client/index.js`;
const http = `${SDK_PREFIX}client/streamableHttp.js`;

/** Lists the repo's *.ts files, relative to the root, skipping node_modules, dist and dot dirs. */
async function tsFiles(dir: URL, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) {
      out.push(...await tsFiles(new URL(`${e.name}/`, dir), `${rel}${e.name}/`));
    } else if (e.isFile && e.name.endsWith(".ts")) out.push(`${rel}${e.name}`);
  }
  return out;
}

Deno.test("findUntypedSdkImports() accepts a static import with its @ts-types line", () => {
  const src = `${tsTypesLine(client)}\nimport { Client } from "${client}";\n`;
  assert.deepEqual(findUntypedSdkImports(src), []);
});

Deno.test("findUntypedSdkImports() names the line of a bare static import", () => {
  const src = `// header\nimport { Client } from "${client}";\n`;
  const found = findUntypedSdkImports(src);
  assert.equal(found.length, 1);
  assert.equal(found[0].line, 2);
  assert.equal(found[0].specifier, client);
  assert.match(found[0].problem, /@ts-types="@modelcontextprotocol\/sdk\/client\/index"/);
});

Deno.test("findUntypedSdkImports() rejects a @ts-types line for another module", () => {
  const src = `${tsTypesLine(http)}\nimport { Client } from "${client}";\n`;
  assert.equal(findUntypedSdkImports(src).length, 1);
});

Deno.test("findUntypedSdkImports() checks multi-line imports and re-exports", () => {
  const ok = `${tsTypesLine(client)}\nimport {\n  Client,\n} from "${client}";\n` +
    `${tsTypesLine(http)}\nexport type { X } from "${http}";\n`;
  assert.deepEqual(findUntypedSdkImports(ok), []);
  const bad = `import {\n  Client,\n} from "${client}";\nexport * from "${http}";\n`;
  assert.deepEqual(findUntypedSdkImports(bad).map((f) => f.line), [3, 4]);
});

Deno.test("findUntypedSdkImports() requires dynamic imports to be annotated", () => {
  const bare = `const { Client } = await import(\n  "${client}"\n);\n`;
  assert.deepEqual(findUntypedSdkImports(bare).map((f) => f.line), [2]);
  const query = `let m: typeof import("${client}");\n`;
  assert.match(findUntypedSdkImports(query)[0].problem, /typeof import\(\)/);
});

Deno.test("findUntypedSdkImports() accepts a dynamic import typed by a typed namespace", () => {
  const head = `${tsTypesLine(client)}\nimport type * as Sdk from "${client}";\n`;
  const use = `const { Client }: typeof Sdk = await import("${client}");\n`;
  assert.deepEqual(findUntypedSdkImports(head + use), []);
  // The namespace must itself carry @ts-types, and must be of the same module.
  const untypedNs = `import type * as Sdk from "${client}";\n${use}`;
  assert.equal(findUntypedSdkImports(untypedNs).length, 2);
  const otherNs = `${tsTypesLine(http)}\nimport type * as Sdk from "${http}";\n${use}`;
  assert.deepEqual(findUntypedSdkImports(otherNs).map((f) => f.line), [3]);
});

Deno.test("findUntypedSdkImports() ignores specifiers in comments", () => {
  const src = `// see "${client}"\n/**\n * import { Client } from "${client}";\n */\n`;
  assert.deepEqual(findUntypedSdkImports(src), []);
});

Deno.test("every MCP SDK import in the repo is typed (not `any`)", async () => {
  const problems: string[] = [];
  let scanned = 0;
  for (const file of await tsFiles(ROOT)) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    if (!source.includes(SDK_PREFIX)) continue;
    scanned++;
    for (const f of findUntypedSdkImports(source)) problems.push(`${file}:${f.line}: ${f.problem}`);
  }
  assert.ok(scanned >= 10, `expected the SDK in at least 10 files, found ${scanned}`);
  assert.deepEqual(problems, [], `untyped MCP SDK imports:\n${problems.join("\n")}`);
});

/**
 * Finds MCP SDK imports that Deno would type as `any`.
 *
 * The SDK's package.json maps `"./*"` types to `./dist/esm/*.d.ts`, so `client/index.js`
 * resolves its types to the non-existent `client/index.js.d.ts` and every value is `any`.
 * A `// @ts-types="@modelcontextprotocol/sdk/client/index"` line directly above a static import
 * fixes that. Dynamic `import()` ignores `@ts-types`, so a lazy load must be annotated with a
 * typed namespace: `const { Client }: typeof SdkClient = await import("…/client/index.js");`
 * where `SdkClient` comes from `import type * as SdkClient from "…/client/index.js"` (itself
 * preceded by its `@ts-types` line).
 */

/** The import map prefix of the MCP SDK (split so this file does not match itself). */
export const SDK_PREFIX = "@modelcontextprotocol" + "/sdk/";

/** One import the type checker would see as `any`. */
export interface SdkTypeFinding {
  /** 1-based line of the specifier. */
  line: number;
  /** The imported specifier, e.g. `@modelcontextprotocol/sdk/client/index.js`. */
  specifier: string;
  /** What is wrong and how to fix it. */
  problem: string;
}

const SPECIFIER = new RegExp(`(["'])(${SDK_PREFIX.replace(/[/]/g, "\\/")}[^"'\\n]+)\\1`, "g");
const STATEMENT_START = /^[ \t]*(import|export)\b/gm;
const TYPED_DYNAMIC = /:\s*typeof\s+([A-Za-z_$][\w$]*)\s*=\s*await\s+import\s*\(\s*$/;

/** The `@ts-types` comment a static import of `specifier` needs on the line above it. */
export function tsTypesLine(specifier: string): string {
  return `// @ts-types="${specifier.replace(/\.js$/, "")}"`;
}

/** Lists the SDK imports in `source` that are not typed (see the module doc for the rules). */
export function findUntypedSdkImports(source: string): SdkTypeFinding[] {
  const lines = source.split("\n");
  const findings: SdkTypeFinding[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const at = m.index;
    const specifier = m[2];
    const line = lineOf(source, at);
    if (inComment(lines[line - 1], at - lineStart(source, at))) continue;
    const before = source.slice(0, at);
    const problem = /import\s*\(\s*$/.test(before)
      ? checkDynamic(source, before, specifier)
      : checkStatic(source, lines, before, specifier);
    if (problem) findings.push({ line, specifier, problem });
  }
  return findings;
}

function checkStatic(
  source: string,
  lines: string[],
  before: string,
  specifier: string,
): string | null {
  const starts = [...before.matchAll(STATEMENT_START)];
  const start = starts.at(-1);
  if (!start) return `Cannot type "${specifier}": no import/export statement found`;
  const startLine = lineOf(source, start.index);
  const above = (lines[startLine - 2] ?? "").trim();
  const want = tsTypesLine(specifier);
  if (above === want) return null;
  return `Cannot type "${specifier}": line ${startLine} needs \`${want}\` directly above it`;
}

function checkDynamic(source: string, before: string, specifier: string): string | null {
  if (/typeof\s+import\s*\(\s*$/.test(before)) {
    return `Cannot type "${specifier}": \`typeof import()\` is \`any\`; ` +
      `use a @ts-types'd \`import type * as X\` instead`;
  }
  const typed = TYPED_DYNAMIC.exec(before);
  const name = typed?.[1];
  if (name && hasTypedNamespace(source, name, specifier)) return null;
  return `Cannot type "${specifier}": dynamic import() ignores @ts-types; write ` +
    `\`const { … }: typeof X = await import(…)\` with \`import type * as X\` of the same module`;
}

function hasTypedNamespace(source: string, name: string, specifier: string): boolean {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const decl = new RegExp(
    `^[ \\t]*${esc(tsTypesLine(specifier))}[ \\t]*\\n[ \\t]*import\\s+type\\s+\\*\\s+as\\s+` +
      `${esc(name)}\\s+from\\s+(["'])${esc(specifier)}\\1`,
    "m",
  );
  return decl.test(source);
}

function inComment(line: string, column: number): boolean {
  const head = line.slice(0, column);
  const trimmed = head.trimStart();
  return trimmed.startsWith("*") || trimmed.startsWith("/*") || /(^|\s)\/\//.test(head);
}

function lineStart(source: string, at: number): number {
  return source.lastIndexOf("\n", at - 1) + 1;
}

function lineOf(source: string, at: number): number {
  let n = 1;
  for (let i = source.indexOf("\n"); i !== -1 && i < at; i = source.indexOf("\n", i + 1)) n++;
  return n;
}

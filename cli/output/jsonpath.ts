/**
 * kubectl's JSONPath templates (`-o jsonpath=…`): literal text with `{…}` actions holding
 * `.a.b`, `['k']`, `[*]`, `[n]`, `[a:b]`, `..x`, filters `[?(@.x=="y")]`, `"quoted"` text and
 * `range …` / `end`. Missing keys print nothing (kubectl's `--allow-missing-template-keys`).
 *
 * @module
 */

type Step =
  | { op: "field"; name: string }
  | { op: "all" }
  | { op: "index"; start?: number; end?: number; single: boolean }
  | { op: "recurse"; name: string }
  | { op: "filter"; left: Step[]; cmp?: string; right?: unknown };

/** One parsed piece of a template. */
type Node =
  | { type: "text"; text: string }
  | { type: "path"; steps: Step[] }
  | { type: "range"; steps: Step[]; body: Node[] };

const FIELD = /^[A-Za-z0-9_\-$/]+/;

function parseBracket(src: string, i: number): { step: Step; next: number } {
  const close = matchingBracket(src, i);
  const inner = src.slice(i + 1, close).trim();
  const next = close + 1;
  if (inner === "*") return { step: { op: "all" }, next };
  if (inner.startsWith("?(") && inner.endsWith(")")) {
    return { step: parseFilter(inner.slice(2, -1)), next };
  }
  const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
  if (quoted) return { step: { op: "field", name: quoted[1] ?? quoted[2] }, next };
  const slice = /^(-?\d*)(?::(-?\d*))?$/.exec(inner);
  if (!slice) throw new SyntaxError(`unsupported subscript [${inner}]`);
  const num = (s: string | undefined) => (s === undefined || s === "" ? undefined : Number(s));
  if (slice[2] === undefined) {
    return { step: { op: "index", start: num(slice[1]), single: true }, next };
  }
  return { step: { op: "index", start: num(slice[1]), end: num(slice[2]), single: false }, next };
}

function matchingBracket(src: string, open: number): number {
  let depth = 0;
  let quote = "";
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  throw new SyntaxError("unterminated array");
}

function parseFilter(expr: string): Step {
  const m = /^(@[^=!<>]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr.trim());
  if (!m) return { op: "filter", left: parseSteps(expr.trim().replace(/^@/, "")) };
  const raw = m[3].trim();
  const str = /^'(.*)'$|^"(.*)"$/.exec(raw);
  const right = str ? (str[1] ?? str[2]) : Number.isNaN(Number(raw)) ? raw : Number(raw);
  return { op: "filter", left: parseSteps(m[1].slice(1)), cmp: m[2], right };
}

/** Parses `.a.b[0]..c[*]` into steps. */
function parseSteps(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    if (path.startsWith("..", i)) {
      const m = FIELD.exec(path.slice(i + 2));
      if (!m) throw new SyntaxError("expected a name after ..");
      steps.push({ op: "recurse", name: m[0] });
      i += 2 + m[0].length;
    } else if (path[i] === ".") {
      const m = FIELD.exec(path.slice(i + 1));
      if (m) steps.push(m[0] === "*" ? { op: "all" } : { op: "field", name: m[0] });
      else if (path[i + 1] === "*") steps.push({ op: "all" });
      i += 1 + (m ? m[0].length : path[i + 1] === "*" ? 1 : 0);
    } else if (path[i] === "[") {
      const { step, next } = parseBracket(path, i);
      steps.push(step);
      i = next;
    } else {
      const m = FIELD.exec(path.slice(i));
      if (!m) throw new SyntaxError(`unrecognized character in action: ${path[i]}`);
      steps.push({ op: "field", name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function unquote(s: string): string {
  return JSON.parse(`"${s.slice(1, -1).replace(/\\'/g, "'")}"`) as string;
}

/** Parses a template into nodes (throws SyntaxError on bad input). */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) {
      stack.at(-1)!.push({ type: "text", text: template.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.push({ type: "text", text: template.slice(i, open) });
    const close = actionEnd(template, open);
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    if (/^".*"$|^'.*'$/.test(action)) stack.at(-1)!.push({ type: "text", text: unquote(action) });
    else if (action === "end") {
      if (stack.length === 1) throw new SyntaxError("not in range, nothing to end");
      stack.pop();
    } else if (action.startsWith("range ")) {
      const node: Node = { type: "range", steps: parseSteps(action.slice(6).trim()), body: [] };
      stack.at(-1)!.push(node);
      stack.push(node.body);
    } else stack.at(-1)!.push({ type: "path", steps: parseSteps(action.replace(/^@/, "")) });
  }
  if (stack.length > 1) throw new SyntaxError("unexpected EOF in range");
  return root;
}

function actionEnd(template: string, open: number): number {
  let quote = "";
  for (let i = open + 1; i < template.length; i++) {
    const c = template[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "}") return i;
  }
  throw new SyntaxError("unclosed action");
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object") return Object.values(v);
  return [];
}

function recurse(v: unknown, name: string, out: unknown[]): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && name in v) {
    out.push((v as Record<string, unknown>)[name]);
  }
  for (const c of children(v)) recurse(c, name, out);
}

function compare(a: unknown, cmp: string, b: unknown): boolean {
  switch (cmp) {
    case "==":
      return a === b || String(a) === String(b);
    case "!=":
      return !(a === b || String(a) === String(b));
    case "<":
      return Number(a) < Number(b);
    case ">":
      return Number(a) > Number(b);
    case "<=":
      return Number(a) <= Number(b);
    default:
      return Number(a) >= Number(b);
  }
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (step.op === "field") {
      if (v !== null && typeof v === "object" && !Array.isArray(v) && step.name in v) {
        out.push((v as Record<string, unknown>)[step.name]);
      }
    } else if (step.op === "all") out.push(...children(v));
    else if (step.op === "recurse") recurse(v, step.name, out);
    else if (step.op === "index") {
      if (!Array.isArray(v)) continue;
      const at = (n: number | undefined, d: number) =>
        n === undefined ? d : n < 0 ? v.length + n : n;
      const start = at(step.start, 0);
      if (step.single) {
        if (start >= 0 && start < v.length) out.push(v[start]);
      } else out.push(...v.slice(start, at(step.end, v.length)));
    } else {
      out.push(
        ...children(v).filter((item) => {
          const got = evaluate(item, step.left);
          if (step.cmp === undefined) return got.length > 0;
          return got.some((g) => compare(g, step.cmp!, step.right));
        }),
      );
    }
  }
  return out;
}

function evaluate(data: unknown, steps: Step[]): unknown[] {
  return steps.reduce<unknown[]>((vals, step) => applyStep(vals, step), [data]);
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  return Object.fromEntries(entries.map(([k, x]) => [k, sortedKeys(x)]));
}

/** A value as kubectl's JSONPath printer writes it: strings raw, the rest as JSON (sorted keys, as Go's). */
export function printValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(sortedKeys(v));
}

function render(nodes: Node[], data: unknown): string {
  let out = "";
  for (const n of nodes) {
    if (n.type === "text") out += n.text;
    else if (n.type === "path") out += evaluate(data, n.steps).map(printValue).join(" ");
    else for (const item of evaluate(data, n.steps)) out += render(n.body, item);
  }
  return out;
}

/** Evaluates a kubectl JSONPath template against `data` (throws SyntaxError if it is bad). */
export function jsonPath(template: string, data: unknown): string {
  return render(parseTemplate(template), data);
}

/** The values one path (`.spec.pool`, `{.spec.pool}`) selects, for custom columns. */
export function jsonPathValues(path: string, data: unknown): unknown[] {
  const inner = path.trim().replace(/^\{(.*)\}$/s, "$1").replace(/^@/, "");
  return evaluate(
    data,
    parseSteps(inner.startsWith(".") || inner.startsWith("[") ? inner : `.${inner}`),
  );
}

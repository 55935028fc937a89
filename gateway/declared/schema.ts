/**
 * Checks tool arguments against the tool's `inputSchema` with Ajv (JSON Schema 2020-12, which
 * MCP assumes when a schema names none). Ajv is imported on the first call only, so a gateway
 * without declared tools never loads it.
 */
import type { Json } from "../jsonrpc/message.ts";

type Check = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  compile(schema: Json): Check;
  errorsText(errors: unknown[] | null | undefined, opts?: { dataVar?: string }): string;
}

let ajv: Promise<AjvLike> | null = null;
const compiled = new WeakMap<Json, Check | string>();

async function load(): Promise<AjvLike> {
  const mod = await import("ajv/dist/2020.js");
  const Ajv = mod.default as unknown as new (opts: Json) => AjvLike;
  return new Ajv({ allErrors: true, strict: false, validateFormats: false });
}

/**
 * Validates `value` against `schema`: null when it conforms, else one line naming the problems
 * (`arguments/query must be string`). A schema Ajv cannot compile is reported the same way.
 */
export async function validate(schema: Json, value: unknown): Promise<string | null> {
  const v = await (ajv ??= load());
  let check = compiled.get(schema);
  if (check === undefined) {
    try {
      check = v.compile(schema);
    } catch (err) {
      check = `the tool's inputSchema is invalid: ${(err as Error).message}`;
    }
    compiled.set(schema, check);
  }
  if (typeof check === "string") return check;
  return check(value) ? null : v.errorsText(check.errors, { dataVar: "arguments" });
}

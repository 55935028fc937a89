/**
 * Checks tool arguments against the tool's `inputSchema` with `@cfworker/json-schema` (JSON
 * Schema 2020-12, which MCP assumes when a schema names none; no code generation, about 1.5 MiB
 * of RSS where Ajv took 15). It is imported on the first call only, so a gateway without declared
 * tools never loads it.
 */
import type { Json } from "../jsonrpc/message.ts";

/** One error as the validator reports it. */
export interface SchemaError {
  instanceLocation: string;
  keyword: string;
  keywordLocation: string;
  error: string;
}

interface ValidatorLike {
  validate(value: unknown): { valid: boolean; errors: SchemaError[] };
}

type ValidatorClass = new (schema: Json, draft: string, shortCircuit: boolean) => ValidatorLike;

let loaded: Promise<ValidatorClass> | null = null;
const compiled = new WeakMap<Json, ValidatorLike>();

/**
 * The errors worth reading, one line: wrapper errors ("Property "q" does not match schema") give
 * way to the errors under them, and `false` schemas to the keyword that used them.
 */
export function describeErrors(errors: SchemaError[]): string {
  const useful = errors.filter((e) => e.keyword !== "false");
  const leaves = useful.filter((e) =>
    !useful.some((o) => o !== e && o.keywordLocation.startsWith(`${e.keywordLocation}/`))
  );
  const line = (e: SchemaError) =>
    `arguments${e.instanceLocation.slice(1)}: ${e.error.replace(/\.$/, "")}`;
  return leaves.map(line).join("; ");
}

/** Validates `value` against `schema`: null when it conforms, else one line naming the problems. */
export async function validate(schema: Json, value: unknown): Promise<string | null> {
  const Validator =
    await (loaded ??= import("@cfworker/json-schema").then((m) =>
      m.Validator as unknown as ValidatorClass
    ));
  let v = compiled.get(schema);
  if (v === undefined) {
    v = new Validator(schema, "2020-12", false);
    compiled.set(schema, v);
  }
  try {
    const out = v.validate(value);
    return out.valid ? null : describeErrors(out.errors);
  } catch (err) {
    return `the tool's inputSchema cannot be used: ${(err as Error).message}`;
  }
}

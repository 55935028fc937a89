/** The compiled per-tool policy as the gateway applies it (no CEL import: types only). */
import type { Caller } from "../caller.ts";

/** A compiled `spec.tools` policy. */
export interface ToolPolicy {
  /** Why `caller` may not call tool `name` with `args` (the JSON-RPC error message); null if allowed. */
  checkCall(caller: Caller, name: unknown, args: unknown): string | null;
  /** Whether `tools/list` shows tool `name` to `caller`. */
  shows(caller: Caller, name: unknown): boolean;
}

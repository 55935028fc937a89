import assert from "node:assert/strict";
import { expandVars, resolveArgv } from "./command.ts";

Deno.test("expandVars() replaces known $(VAR), keeps unknown ones and unescapes $$", () => {
  const env = { A: "x", B: "y z" };
  assert.equal(expandVars("$(A)-$(B)", env), "x-y z");
  assert.equal(expandVars("$(C) $$(A) $$ $", env), "$(C) $(A) $ $");
  assert.equal(expandVars("$(A", env), "$(A");
  assert.equal(expandVars("a$b", env), "a$b");
});

Deno.test("resolveArgv() follows Kubernetes command/args over Entrypoint/Cmd", () => {
  const image = { entrypoint: ["ep"], cmd: ["c1", "c2"] };
  assert.deepEqual(resolveArgv(image, {}), ["ep", "c1", "c2"]);
  assert.deepEqual(resolveArgv({ ...image, args: ["a"] }, {}), ["ep", "a"]);
  assert.deepEqual(resolveArgv({ ...image, command: ["cmd"] }, {}), ["cmd"]);
  assert.deepEqual(resolveArgv({ ...image, command: ["cmd"], args: ["$(X)"] }, { X: "1" }), [
    "cmd",
    "1",
  ]);
  assert.deepEqual(resolveArgv({}, {}), []);
});

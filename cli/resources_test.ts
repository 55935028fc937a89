import assert from "node:assert/strict";
import { parseTargets, POOL, qualifiedName, resolveKind, SERVER } from "./resources.ts";

Deno.test("resolveKind() accepts kubectl-style names and rejects others", () => {
  for (const n of ["mcps", "MCPServer", "mcpservers.nmcp.nwrx.io", "server"]) {
    assert.equal(resolveKind(n), SERVER);
  }
  for (const n of ["mcpp", "mcppool", "pools"]) assert.equal(resolveKind(n), POOL);
  assert.throws(() => resolveKind("pods"), /Cannot find resource type "pods"/);
});

Deno.test("parseTargets() reads TYPE NAME…, TYPE/NAME and bare server names", () => {
  assert.deepEqual(parseTargets(["mcpp", "a", "b"]), [{ kind: POOL, names: ["a", "b"] }]);
  assert.deepEqual(parseTargets(["x"]), [{ kind: SERVER, names: ["x"] }]);
  assert.deepEqual(parseTargets(["mcps/x", "mcpp/y"]), [
    { kind: SERVER, names: ["x"] },
    { kind: POOL, names: ["y"] },
  ]);
  assert.equal(qualifiedName(SERVER, "x"), "mcpserver.nmcp.nwrx.io/x");
});

import assert from "node:assert/strict";
import { parsePackageRef, parsePairs, runServer } from "./run_spec.ts";

Deno.test("parsePackageRef() splits npm/pypi versions after the last @ and keeps oci refs whole", () => {
  assert.deepEqual(parsePackageRef("npm:@scope/pkg@1.2.3"), {
    registryType: "npm",
    identifier: "@scope/pkg",
    version: "1.2.3",
  });
  assert.deepEqual(parsePackageRef("npm:@scope/pkg"), {
    registryType: "npm",
    identifier: "@scope/pkg",
  });
  assert.deepEqual(parsePackageRef("pypi:mcp-server-fetch@0.6"), {
    registryType: "pypi",
    identifier: "mcp-server-fetch",
    version: "0.6",
  });
  assert.deepEqual(parsePackageRef("oci:ghcr.io/o/x@sha256:ab"), {
    registryType: "oci",
    identifier: "ghcr.io/o/x@sha256:ab",
  });
  for (const bad of ["cargo:x", "npm:", "x"]) {
    assert.throws(() => parsePackageRef(bad), /^TypeError: Cannot use --package/);
  }
});

Deno.test("runServer() with --image: the command after --, env, port → streamable-http, labels", () => {
  const s = runServer("web", "team", ["node", "srv.js"], {
    image: "ghcr.io/acme/web",
    env: ["A=1", "B=x=y"],
    port: "3000",
    idleTimeout: "300",
    labels: ["team=a"],
  });
  assert.deepEqual(s, {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "web", namespace: "team", labels: { team: "a" } },
    spec: {
      image: "ghcr.io/acme/web",
      command: ["node", "srv.js"],
      env: [{ name: "A", value: "1" }, { name: "B", value: "x=y" }],
      transport: { type: "streamable-http", port: 3000 },
      idleTimeout: 300,
    },
  });
});

Deno.test("runServer() with --package: the words after -- are positional package arguments", () => {
  const s = runServer("ev", "default", ["stdio"], { package: "npm:p@1", idleTimeout: "10m" });
  assert.deepEqual(s.spec, {
    package: {
      registryType: "npm",
      identifier: "p",
      version: "1",
      packageArguments: [{ type: "positional", value: "stdio" }],
    },
    idleTimeout: "10m",
  });
});

Deno.test("runServer() refuses both or neither of --image and --package, and bad ports", () => {
  assert.throws(() => runServer("x", "d", [], {}), /exactly one of --image and --package/);
  assert.throws(() => runServer("x", "d", [], { image: "i", package: "npm:p" }), /exactly one/);
  assert.throws(
    () => runServer("x", "d", [], { image: "i", port: "http" }),
    /--port must be a port/,
  );
  assert.throws(
    () => runServer("x", "d", [], { image: "i", port: "1", transport: "stdio" }),
    /--port/,
  );
  assert.throws(
    () => parsePairs(["novalue"], "--env"),
    /Cannot use --env "novalue": expected KEY=VALUE/,
  );
});

/**
 * The generated CRDs, installed in the harness API server and driven with the real kubectl:
 * bad MCPServer/MCPPool objects are rejected with Kubernetes' own messages, every example is
 * accepted, and defaults are applied.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { startTestCluster, waitFor } from "../tests/harness/apiserver/_testing.ts";

const server = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name },
  spec,
});

const declared = (kind: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind,
  metadata: { name },
  spec,
});
const SVC = { name: "search", port: 8080 };
const INPUT = { type: "object" };

const BAD: { obj: unknown; message: RegExp }[] = [
  {
    obj: server("virtual-command", { toolSelector: { matchLabels: { a: "b" } }, command: ["x"] }),
    message:
      /"virtual-command" is invalid: spec: Forbidden: command, args and an HTTP transport need an image or a package/,
  },
  {
    obj: server("bad-selector", {
      toolSelector: { matchExpressions: [{ key: "a", operator: "In" }] },
    }),
    message:
      /spec.toolSelector.matchExpressions\[0\].values: Invalid value: "object": values must be non-empty for In and NotIn/,
  },
  {
    obj: declared("MCPTool", "bad-method", { inputSchema: INPUT, service: SVC, method: "HEAD" }),
    message: /MCPTool.nmcp.nwrx.io "bad-method" is invalid: spec.method: Unsupported value: "HEAD"/,
  },
  {
    obj: declared("MCPTool", "not-object", { inputSchema: { type: "string" }, service: SVC }),
    message: /"not-object" is invalid: spec.inputSchema.type: Unsupported value: "string"/,
  },
  {
    obj: declared("MCPTool", "bad-timeout", { inputSchema: INPUT, service: SVC, timeout: "soon" }),
    message: /"bad-timeout" is invalid: spec.timeout: Invalid value: .*: must be a whole number/,
  },
  {
    obj: declared("MCPTool", "no-service", { inputSchema: INPUT }),
    message: /MCPTool.nmcp.nwrx.io "no-service" is invalid: spec.service: Required value/,
  },
  {
    obj: declared("MCPPrompt", "dup-vars", {
      template: "{{a}}",
      variables: [{ name: "a" }, { name: "a" }],
    }),
    message: /"dup-vars" is invalid: spec.variables\[1\]: Duplicate value/,
  },
  {
    obj: declared("MCPResource", "text-and-blob", {
      content: { uri: "x://y", text: "t", blob: "YQ==" },
    }),
    message:
      /"text-and-blob" is invalid: spec.content: Invalid value: "object": exactly one of text and blob must be set/,
  },
  {
    obj: declared("MCPResource", "neither", { description: "d" }),
    message:
      /"neither" is invalid: spec: Invalid value: "object": exactly one of content and operations must be set/,
  },
  {
    obj: server("no-image", { pool: "p" }),
    message:
      /MCPServer.nmcp.nwrx.io "no-image" is invalid: spec: Invalid value: "object": exactly one of image and package must be set/,
  },
  {
    obj: server("image-and-package", {
      image: "i",
      package: { registryType: "npm", identifier: "p" },
    }),
    message:
      /MCPServer.nmcp.nwrx.io "image-and-package" is invalid: spec: Invalid value: "object": exactly one of image and package must be set/,
  },
  {
    obj: server("package-command", {
      package: { registryType: "pypi", identifier: "p" },
      command: ["python"],
    }),
    message:
      /"package-command" is invalid: spec: Forbidden: command and args are forbidden with package/,
  },
  {
    obj: server("package-bad-type", { package: { registryType: "cargo", identifier: "p" } }),
    message:
      /spec.package.registryType: Unsupported value: "cargo": supported values: "npm", "pypi", "oci"/,
  },
  {
    obj: server("package-named", {
      package: { registryType: "npm", identifier: "p", packageArguments: [{ type: "named" }] },
    }),
    message:
      /spec.package.packageArguments\[0\].name: Required value: name is required for a named argument/,
  },
  {
    obj: server("oci-runtime-args", {
      package: {
        registryType: "oci",
        identifier: "img",
        runtimeArguments: [{ type: "named", name: "-v", value: "/:/host" }],
      },
    }),
    message:
      /spec.package.runtimeArguments: Forbidden: runtimeArguments \(docker run flags\) are not supported for oci packages/,
  },
  {
    obj: server("bad-transport", { image: "i", transport: { type: "grpc" } }),
    message:
      /MCPServer.nmcp.nwrx.io "bad-transport" is invalid: spec.transport.type: Unsupported value: "grpc": supported values: "stdio", "streamable-http", "sse"/,
  },
  {
    obj: server("negative-idle", { image: "i", idleTimeout: -1 }),
    message:
      /MCPServer.nmcp.nwrx.io "negative-idle" is invalid: spec.idleTimeout: Invalid value: .*: must be a whole number of seconds or a duration such as 60s, 5m or 1h30m/,
  },
  {
    obj: server("port-on-stdio", { image: "i", transport: { type: "stdio", port: 80 } }),
    message:
      /MCPServer.nmcp.nwrx.io "port-on-stdio" is invalid: spec.transport.port: Forbidden: port is forbidden for the stdio transport/,
  },
  {
    obj: server("http-no-port", { image: "i", transport: { type: "streamable-http" } }),
    message:
      /MCPServer.nmcp.nwrx.io "http-no-port" is invalid: spec.transport.port: Required value: port is required for the streamable-http and sse transports/,
  },
  {
    obj: server("env-both", {
      image: "i",
      env: [{ name: "A", value: "1", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }],
    }),
    message: /spec.env\[0\]: Invalid value: "object": value and valueFrom are mutually exclusive/,
  },
  {
    obj: server("root-implicit", { image: "i", securityContext: { runAsUser: 0 } }),
    message:
      /MCPServer.nmcp.nwrx.io "root-implicit" is invalid: spec.securityContext.runAsUser: Invalid value: "object": runAsUser 0 \(root\) needs runAsNonRoot: false/,
  },
  {
    obj: server("except-alone", { image: "i", network: { egress: [{ except: ["10.0.0.0/8"] }] } }),
    message:
      /MCPServer.nmcp.nwrx.io "except-alone" is invalid: spec.network.egress\[0\].except: Forbidden: except needs cidr/,
  },
  {
    obj: server("bad-protocol", {
      image: "i",
      network: { egress: [{ ports: [{ port: 53, protocol: "ICMP" }] }] },
    }),
    message: /spec.network.egress\[0\].ports\[0\].protocol: Unsupported value: "ICMP"/,
  },
  {
    obj: server("bad-issuer", { image: "i", auth: { oauth: { issuer: "ftp://x" } } }),
    message: /spec.auth.oauth.issuer: Invalid value: "ftp:\/\/x"/,
  },
  {
    obj: {
      apiVersion: "nmcp.nwrx.io/v1",
      kind: "MCPPool",
      metadata: { name: "too-idle" },
      spec: { maxActive: 1, maxIdle: 2 },
    },
    message:
      /MCPPool.nmcp.nwrx.io "too-idle" is invalid: spec.maxIdle: Invalid value: "object": maxIdle must not exceed maxActive/,
  },
];

Deno.test("CRDs install with kubectl, reject bad objects readably and accept every example", async () => {
  const c = await startTestCluster();
  try {
    const dry = await c.kubectl(["apply", "--dry-run=client", "-f", "crds/"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /mcpservers.nmcp.nwrx.io created \(dry run\)/);

    const applied = await c.kubectl(["apply", "-f", "crds/"]);
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor(async () => (await c.kubectl(["get", "mcps"])).code === 0, 5000, "mcps");

    const docs = BAD.map((b) => stringify(b.obj)).join("---\n");
    const bad = await c.kubectl(["create", "-f", "-"], docs);
    assert.notEqual(bad.code, 0);
    for (const { message } of BAD) assert.match(bad.stderr, message);
    assert.doesNotMatch(bad.stdout, /created/, "no bad object may be created");

    const examples = await c.kubectl(["apply", "-f", "examples/"]);
    assert.equal(examples.code, 0, examples.stderr);
    assert.match(examples.stdout, /mcpserver.nmcp.nwrx.io\/everything created/);
    assert.match(examples.stdout, /mcppool.nmcp.nwrx.io\/default created/);

    const decl = await c.kubectl(["apply", "-f", "examples/declarative/"]);
    assert.equal(decl.code, 0, decl.stderr);
    for (const o of ["mcpserver.nmcp.nwrx.io/main", "mcptool.nmcp.nwrx.io/github-search"]) {
      assert.match(decl.stdout, new RegExp(`${o} created`));
    }
    assert.match(decl.stdout, /mcpprompt.nmcp.nwrx.io\/greet created/);
    assert.match(decl.stdout, /mcpresource.nmcp.nwrx.io\/template created/);
    const tool = JSON.parse(
      (await c.kubectl(["get", "mcpt", "github-search", "-o", "json"])).stdout,
    );
    assert.equal(tool.spec.inputSchema.properties.query.type, "string", "schema kept as written");
    const tools = await c.kubectl(["get", "mcptools"]);
    assert.match(
      tools.stdout,
      /^NAME\s+TOOL\s+SERVICE\s+METHOD\s+SERVICE FOUND\s+SELECTED BY\s+AGE/,
    );
    assert.match(tools.stdout, /github-search\s+github-search\s+POST/);

    const got = await c.kubectl(["get", "mcps", "everything", "-o", "json"]);
    const obj = JSON.parse(got.stdout);
    assert.equal(obj.spec.transport.type, "stdio", "transport defaults to stdio");
    const pool = JSON.parse((await c.kubectl(["get", "mcpp", "default", "-o", "json"])).stdout);
    assert.equal(pool.spec.defaultIdleTimeout, 300);

    const table = await c.kubectl(["get", "mcps"]);
    assert.match(
      table.stdout,
      /^NAME\s+STATUS\s+POOL\s+TRANSPORT\s+CONNECTIONS\s+LAST REQUEST\s+AGE/,
    );
    assert.match(table.stdout, /everything\s+default\s+stdio/);
  } finally {
    await c.close();
  }
});

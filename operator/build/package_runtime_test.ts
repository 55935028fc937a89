import assert from "node:assert/strict";
import type { MCPServer, PackageSpec } from "../../lib/api/mod.ts";
import {
  DEFAULT_RUNTIME_IMAGES,
  missingPackageEnv,
  ociReference,
  packageRuntime,
  renderArguments,
  withPackageRuntime,
} from "./package_runtime.ts";
import { buildPod } from "./pod.ts";
import { restrictedViolations } from "./pod_security_standard.ts";
import { validateServer } from "../reconcile/validate.ts";
import { planServer } from "../reconcile/server.ts";

const images = { npm: "node:22-alpine", pypi: "uv:py" };

function server(pkg: PackageSpec, spec: Partial<MCPServer["spec"]> = {}): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team", uid: "u-1" },
    spec: { package: pkg, ...spec },
  };
}

Deno.test("renderArguments() gives a positional its value and a named one its flag then value", () => {
  assert.deepEqual(
    renderArguments([
      { type: "positional", value: "/data" },
      { type: "positional", default: "x" },
      { type: "named", name: "--port", default: "8080" },
      { type: "named", name: "--verbose" },
      { type: "named", name: "--mode", value: "a", default: "b" },
    ]),
    ["/data", "x", "--port", "8080", "--verbose", "--mode", "a"],
  );
  assert.deepEqual(renderArguments(undefined), []);
});

const RUNTIMES: [string, PackageSpec, ReturnType<typeof packageRuntime>][] = [
  ["npm with a version and arguments", {
    registryType: "npm",
    identifier: "@modelcontextprotocol/server-filesystem",
    version: "1.2.3",
    runtimeArguments: [{ type: "named", name: "--prefer-offline" }],
    packageArguments: [{ type: "positional", value: "/data" }],
  }, {
    image: "node:22-alpine",
    command: [
      "npx",
      "-y",
      "--prefer-offline",
      "@modelcontextprotocol/server-filesystem@1.2.3",
      "/data",
    ],
    env: [{ name: "NPM_CONFIG_UPDATE_NOTIFIER", value: "false" }],
  }],
  ["npm whose runtime arguments already say --yes, from another registry", {
    registryType: "npm",
    identifier: "pkg",
    registryBaseUrl: "https://npm.example",
    runtimeArguments: [{ type: "named", name: "--yes" }],
  }, {
    image: "node:22-alpine",
    command: ["npx", "--yes", "pkg"],
    env: [{ name: "npm_config_registry", value: "https://npm.example" }, {
      name: "NPM_CONFIG_UPDATE_NOTIFIER",
      value: "false",
    }],
  }],
  ["pypi", {
    registryType: "pypi",
    identifier: "mcp-server-fetch",
    version: "0.6.2",
    registryBaseUrl: "https://pypi.example/simple",
    packageArguments: [{ type: "named", name: "--user-agent", value: "nmcp" }],
  }, {
    image: "uv:py",
    command: ["uvx", "mcp-server-fetch@0.6.2", "--user-agent", "nmcp"],
    env: [{ name: "UV_DEFAULT_INDEX", value: "https://pypi.example/simple" }],
  }],
  ["oci with package arguments", {
    registryType: "oci",
    identifier: "ghcr.io/o/server",
    version: "2.0.0",
    packageArguments: [{ type: "positional", value: "stdio" }],
  }, { image: "ghcr.io/o/server:2.0.0", args: ["stdio"], env: [] }],
];

for (const [name, pkg, want] of RUNTIMES) {
  Deno.test(`packageRuntime(): ${name}`, () => {
    assert.deepEqual(packageRuntime(pkg, images), want);
  });
}

Deno.test("ociReference() keeps a tag or digest and adds the version only when neither is there", () => {
  const oci = (identifier: string, version?: string) =>
    ociReference({ registryType: "oci", identifier, version });
  assert.equal(oci("localhost:5000/x", "1"), "localhost:5000/x:1");
  assert.equal(oci("x:2", "1"), "x:2");
  assert.equal(oci("x@sha256:ab", "1"), "x@sha256:ab");
  assert.equal(oci("x"), "x");
});

Deno.test("withPackageRuntime() sets declared variables unless spec.env sets them, and is idempotent", () => {
  const s = server({
    registryType: "npm",
    identifier: "p",
    environmentVariables: [
      { name: "A", default: "1" },
      { name: "B", value: "2", default: "x" },
      { name: "TOKEN", isSecret: true, isRequired: true },
      { name: "C", default: "3" },
    ],
  }, { env: [{ name: "C", value: "mine" }] });
  const out = withPackageRuntime(s, images);
  assert.equal(out.spec.image, "node:22-alpine");
  assert.deepEqual(out.spec.command, ["npx", "-y", "p"]);
  assert.deepEqual(out.spec.env, [
    { name: "C", value: "mine" },
    { name: "NPM_CONFIG_UPDATE_NOTIFIER", value: "false" },
    { name: "A", value: "1" },
    { name: "B", value: "2" },
  ]);
  assert.deepEqual(withPackageRuntime(out, images), out);
  assert.equal(s.spec.image, undefined, "the input is not mutated");
  const plain = server({ registryType: "npm", identifier: "p" });
  delete plain.spec.package;
  assert.equal(withPackageRuntime(plain), plain);
});

Deno.test("missingPackageEnv() names a required variable nothing sets; envFrom may set anything", () => {
  const pkg: PackageSpec = {
    registryType: "pypi",
    identifier: "p",
    environmentVariables: [{ name: "KEY", isRequired: true, isSecret: true }],
  };
  assert.equal(missingPackageEnv(server(pkg).spec), "KEY");
  const ref = { secretKeyRef: { name: "mcp-s-env", key: "KEY" } };
  assert.equal(
    missingPackageEnv(server(pkg, { env: [{ name: "KEY", valueFrom: ref }] }).spec),
    undefined,
  );
  assert.equal(
    missingPackageEnv(server(pkg, { envFrom: [{ secretRef: { name: "x" } }] }).spec),
    undefined,
  );
  const invalid = validateServer(server(pkg), { allowlist: [] });
  assert.equal(
    invalid?.message,
    'Cannot run MCPServer "s": package variable KEY is required; set it in spec.env',
  );
});

Deno.test("validateServer() checks a package's runtime image against the allowlist", () => {
  const s = server({ registryType: "pypi", identifier: "p" });
  assert.equal(validateServer(s, { allowlist: ["ghcr.io/astral-sh/*"] }), undefined);
  assert.equal(validateServer(s, { allowlist: ["node:*"] })?.reason, "ImageNotAllowed");
  assert.equal(
    validateServer(s, { allowlist: ["node:*"], runtimeImages: { ...images, pypi: "node:x" } }),
    undefined,
  );
});

for (const registryType of ["npm", "pypi"] as const) {
  Deno.test(`buildPod() of a ${registryType} package: runtime image, writable HOME, restricted PSS`, () => {
    const s = withPackageRuntime(server({ registryType, identifier: "p", version: "1" }));
    const pod = buildPod(s, {
      gatewayImage: "gw",
      entrypoint: { command: s.spec.command!, args: [] },
    });
    const mcp = pod.spec.containers[0];
    assert.equal(mcp.image, DEFAULT_RUNTIME_IMAGES[registryType]);
    assert.deepEqual(
      mcp.command?.slice(-2),
      registryType === "npm" ? ["-y", "p@1"] : ["uvx", "p@1"],
    );
    assert.ok(mcp.volumeMounts?.some((m) => m.name === "home" && m.mountPath === "/home/nmcp"));
    assert.ok(
      (mcp.env as { name: string; value?: string }[]).some((e) =>
        e.name === "HOME" && e.value === "/home/nmcp"
      ),
    );
    assert.deepEqual(restrictedViolations(pod), []);
  });
}

function requested(pkg: PackageSpec, spec: Partial<MCPServer["spec"]> = {}): MCPServer {
  const s = server(pkg, spec);
  s.metadata.annotations = { "nmcp.nwrx.io/requested-at": "2026-01-01T00:00:00Z" };
  return s;
}

Deno.test("planServer() runs a requested npm package in the configured runtime image", () => {
  const s = requested({ registryType: "npm", identifier: "p", version: "2" });
  const plan = planServer(s, { pods: [], poolMembers: [] }, new Date("2026-01-01T00:00:01Z"), {
    gatewayImage: "gw",
    runtimeImages: { npm: "registry.local/node:22", pypi: "uv" },
  });
  const mcp = plan.pod?.spec.containers[0];
  assert.equal(mcp?.image, "registry.local/node:22");
  assert.deepEqual(mcp?.command?.slice(-3), ["npx", "-y", "p@2"]);
  assert.equal(plan.needsEntrypoint, undefined, "npm needs no registry lookup");
});

Deno.test("planServer() resolves an oci package's entrypoint and fails a missing variable", () => {
  const oci = requested({ registryType: "oci", identifier: "ghcr.io/o/x", version: "1" });
  const at = new Date("2026-01-01T00:00:01Z");
  const first = planServer(oci, { pods: [], poolMembers: [] }, at, { gatewayImage: "gw" });
  assert.equal(first.needsEntrypoint, true);
  const entrypoint = { command: ["/srv"], args: [] };
  const second = planServer(oci, { pods: [], poolMembers: [], entrypoint }, at, {
    gatewayImage: "gw",
  });
  assert.equal(second.pod?.spec.containers[0].image, "ghcr.io/o/x:1");
  const env = [{ name: "KEY", isRequired: true }];
  const bad = requested({ registryType: "npm", identifier: "p", environmentVariables: env });
  const failed = planServer(bad, { pods: [], poolMembers: [] }, at, { gatewayImage: "gw" });
  assert.equal(failed.status.phase, "Failed");
  assert.equal(failed.pod, null);
});

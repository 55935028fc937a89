import assert from "node:assert/strict";
import {
  convertServerJson,
  defaultName,
  pickPackage,
  serverDocument,
  withValues,
} from "./server_json.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/registry/server.json", import.meta.url)),
);
const base = { namespace: "team", values: {}, args: {} };

Deno.test("convertServerJson() takes the first npm/pypi/oci package; secret variables become secretKeyRefs", () => {
  const c = convertServerJson(fixture, {
    ...base,
    values: { WEATHER_API_KEY: "k", WEATHER_UNITS: "imperial" },
  });
  assert.equal(c.server.metadata.name, "weather-everything");
  assert.equal(c.secretName, "mcp-weather-everything-env");
  assert.deepEqual(c.secret, { WEATHER_API_KEY: "k" });
  assert.deepEqual(c.missing, []);
  assert.deepEqual(c.server.spec, {
    package: {
      registryType: "npm",
      registryBaseUrl: "https://registry.npmjs.org",
      identifier: "@modelcontextprotocol/server-everything",
      version: "2026.8.31",
      runtimeHint: "npx",
      packageArguments: [
        {
          type: "positional",
          valueHint: "transport",
          value: "stdio",
          description: "Transport to serve",
        },
      ],
      environmentVariables: [
        {
          name: "WEATHER_API_KEY",
          description: "API key of the weather service",
          isRequired: true,
          isSecret: true,
        },
        {
          name: "WEATHER_UNITS",
          description: "metric or imperial",
          value: "imperial",
          default: "metric",
          choices: ["metric", "imperial"],
        },
      ],
    },
    env: [{
      name: "WEATHER_API_KEY",
      valueFrom: { secretKeyRef: { name: "mcp-weather-everything-env", key: "WEATHER_API_KEY" } },
    }],
  });
});

Deno.test("convertServerJson() lists required variables without a value; withValues() fills them", () => {
  const c = convertServerJson(fixture, { ...base, name: "w" });
  assert.deepEqual(c.missing.map((v) => v.name), ["WEATHER_API_KEY"]);
  assert.deepEqual(c.secret, {});
  const filled = withValues(c, { WEATHER_API_KEY: "typed" });
  assert.deepEqual(filled.secret, { WEATHER_API_KEY: "typed" });
  assert.deepEqual(filled.missing, []);
  const plain = convertServerJson({
    name: "x/y",
    packages: [{
      registryType: "pypi",
      identifier: "p",
      environmentVariables: [{ name: "REGION", isRequired: true }],
    }],
  }, base);
  assert.deepEqual(plain.missing.map((v) => v.name), ["REGION"]);
  const region = withValues(plain, { REGION: "eu" }).server.spec.package?.environmentVariables;
  assert.deepEqual(region, [{ name: "REGION", isRequired: true, value: "eu" }]);
});

Deno.test("convertServerJson() maps an HTTP transport url to port and path, --arg fills arguments", () => {
  const doc = {
    server: {
      name: "io.example/Web Server",
      packages: [{
        registryType: "oci",
        identifier: "ghcr.io/e/web:1",
        transport: { type: "streamable-http", url: "http://localhost:8931/mcp" },
        runtimeArguments: [{ type: "named", name: "-p", value: "8931:8931" }],
        packageArguments: [
          { type: "positional", valueHint: "root_dir", isRequired: true },
          { type: "named", name: "--mode", default: "fast", variables: { x: {} } },
        ],
      }],
    },
  };
  const c = convertServerJson(doc, { ...base, args: { root_dir: "/data" } });
  assert.equal(c.server.metadata.name, "web-server");
  assert.deepEqual(c.server.spec.transport, { type: "streamable-http", port: 8931, path: "/mcp" });
  assert.deepEqual(c.server.spec.package, {
    registryType: "oci",
    identifier: "ghcr.io/e/web:1",
    packageArguments: [
      { type: "positional", valueHint: "root_dir", isRequired: true, value: "/data" },
      { type: "named", name: "--mode", default: "fast" },
    ],
  }, "docker runtimeArguments and unknown fields are dropped");
  assert.throws(
    () => convertServerJson(doc, base),
    /argument root_dir needs a value; pass --arg root_dir=VALUE/,
  );
});

Deno.test("pickPackage(), serverDocument() and defaultName() explain what they cannot use", () => {
  assert.throws(
    () => pickPackage([{ registryType: "nuget", identifier: "x" }]),
    /no npm, pypi or oci package \(has nuget\)/,
  );
  assert.throws(
    () => pickPackage(fixture.packages, 0),
    /Cannot use package 0: of 3 \(nuget, npm, oci\)/,
  );
  assert.equal(pickPackage(fixture.packages, 2).registryType, "oci");
  assert.throws(
    () => serverDocument({ name: "x" }),
    /Cannot read server.json: it has no packages\[\]/,
  );
  assert.equal(defaultName("io.github.acme/Weather_MCP"), "weather-mcp");
  assert.throws(() => defaultName("___"), /Cannot derive a name from "___": give NAME/);
});

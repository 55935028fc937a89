/**
 * Servers from a package name, with the real operator and kubectl: `kubectl nmcp run --package
 * npm:…` gives an MCPServer with `spec.package` and no image; the operator runs it with `npx -y`
 * in its node runtime image (the harness maps node to the host's node and npx, offline, on a
 * copy of the host's npm cache); `tools` and `call` wake it and speak MCP through a tunnel.
 * `add --from` turns a registry server.json (file and loopback URL) into an MCPServer and a
 * Secret the server really reads; `secret set` rotates a key.
 */

import assert from "node:assert/strict";
import { anyTag } from "../harness/images.ts";
import { nmcp, pluginEnv, type RunResult, sh } from "./_cli_env.ts";
import { ROOT, startOperatorEnv } from "./operator_env.ts";

const EVERYTHING = "@modelcontextprotocol/server-everything@2026.8.31";
const FIXTURE = `${ROOT}/tests/fixtures/registry/server.json`;

/** Which: the host's command path. */
function which(name: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (dir && Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  throw new Error(`Cannot find "${name}" on PATH (the node image runs the host's node and npx)`);
}

/**
 * A writable copy of the host's npm cache with the everything package (the pods run as uid
 * 65532 and npm writes to its cache); fails loudly when the host never fetched it.
 */
async function npmCacheCopy(): Promise<string> {
  const home = Deno.env.get("npm_config_cache") ?? `${Deno.env.get("HOME")}/.npm`;
  let npx: string | undefined;
  for await (const d of Deno.readDir(`${home}/_npx`)) {
    const pkg = await Deno.readTextFile(`${home}/_npx/${d.name}/package.json`).catch(() => "");
    if (pkg.includes(`"${EVERYTHING}"`)) npx = d.name;
  }
  if (!npx) throw new Error(`Cannot find ${EVERYTHING} in ${home}/_npx: run npx -y ${EVERYTHING}`);
  const dir = await Deno.makeTempDir({ prefix: "nmcp-npm-cache-" });
  const cp = (from: string, to: string) => sh({ PATH: "/usr/bin:/bin" }, "cp", ["-r", from, to]);
  await Deno.mkdir(`${dir}/_npx`);
  for (
    const r of [await cp(`${home}/_cacache`, dir), await cp(`${home}/_npx/${npx}`, `${dir}/_npx`)]
  ) {
    assert.equal(r.code, 0, r.stderr);
  }
  const chmod = await sh({ PATH: "/usr/bin:/bin" }, "chmod", ["-R", "a+rwX", dir]);
  assert.equal(chmod.code, 0, chmod.stderr);
  return dir;
}

function ok(r: RunResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

/** Serves one file on 127.0.0.1 (a registry entry by URL). */
function serveFile(path: string) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () =>
      new Response(await Deno.readTextFile(path), {
        headers: { "content-type": "application/json" },
      }),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/server.json`,
    close: () => server.shutdown(),
  };
}

Deno.test("run --package, tools, call, add --from and secret set drive real npm package servers", async (t) => {
  const cache = await npmCacheCopy();
  const images = anyTag("node", {
    executables: { node: { link: which("node") }, npx: { link: which("npx") } },
    env: { npm_config_cache: cache, npm_config_offline: "true", npm_config_logs_max: "0" },
  });
  const e = await startOperatorEnv({ images });
  const registry = serveFile(FIXTURE);
  try {
    await e.startOperator();
    const env = await pluginEnv(e.env, { source: true });
    const k = (...args: string[]) => sh(env, "kubectl", args);

    await t.step(
      "run --package creates a spec.package server; a second run is AlreadyExists",
      async () => {
        const out = ok(
          await nmcp(env, "run", "ev", "--package", `npm:${EVERYTHING}`, "--", "stdio"),
          "run",
        );
        assert.equal(out, "mcpserver.nmcp.nwrx.io/ev created\n");
        const spec = JSON.parse(
          ok(await k("get", "mcpserver", "ev", "-o", "jsonpath={.spec}"), "get"),
        );
        assert.equal(spec.image, undefined);
        assert.deepEqual(spec.package, {
          registryType: "npm",
          identifier: "@modelcontextprotocol/server-everything",
          version: "2026.8.31",
          packageArguments: [{ type: "positional", value: "stdio" }],
        });
        const again = await nmcp(env, "run", "ev", "--package", `npm:${EVERYTHING}`);
        assert.equal(again.code, 1);
        assert.match(
          again.stderr,
          /^Error from server \(AlreadyExists\): .*"ev" already exists/,
        );
      },
    );

    await t.step("tools wakes it: the operator runs npx -y in the node image", async () => {
      const out = ok(await nmcp(env, "tools", "ev", "--timeout", "120"), "tools");
      assert.match(out, /^NAME\s+REQUIRED\s+DESCRIPTION\n/);
      assert.match(out, /^echo\s+message\s+\S/m);
      assert.match(out, /^get-sum\s+a,b\s+\S/m);
      const pod = ok(await k("get", "pods", "-l", "nmcp.nwrx.io/server=ev", "-o", "json"), "pods");
      const mcp = JSON.parse(pod).items[0].spec.containers.find((c: { name: string }) =>
        c.name === "mcp"
      );
      assert.equal(mcp.image, "node:22-alpine");
      assert.deepEqual(mcp.command.slice(-4), ["npx", "-y", EVERYTHING, "stdio"]);
    });

    await t.step(
      "call types key=value by the schema, prints text; -o json prints the result, exit 1 on isError",
      async () => {
        const sum = await nmcp(env, "call", "ev", "get-sum", "a=2", "b=40");
        assert.equal(ok(sum, "get-sum"), "The sum of 2 and 40 is 42.\n", "a and b sent as numbers");
        const bad = await nmcp(env, "call", "ev", "echo", "--json", '{"message": 5}', "-o", "json");
        assert.equal(bad.code, 1, bad.stderr);
        const result = JSON.parse(bad.stdout);
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /nvalid/);
      },
    );

    await t.step(
      "add --from: a secret variable without a value is named, not prompted, off a TTY",
      async () => {
        const r = await nmcp(env, "add", "--from", FIXTURE);
        assert.equal(r.code, 1);
        assert.equal(
          r.stderr,
          'error: Cannot add MCPServer "weather-everything": secret variable WEATHER_API_KEY has no value; pass --env WEATHER_API_KEY=VALUE\n',
        );
      },
    );

    await t.step("add --from URL --dry-run=client prints the server and its Secret", async () => {
      const r = ok(
        await nmcp(
          env,
          "add",
          "w2",
          "--from",
          registry.url,
          "-e",
          "WEATHER_API_KEY=k",
          "--dry-run=client",
          "-o",
          "json",
        ),
        "dry",
      );
      const list = JSON.parse(r);
      assert.deepEqual(list.items.map((o: { kind: string }) => o.kind), ["MCPServer", "Secret"]);
      assert.deepEqual(list.items[1].data, { WEATHER_API_KEY: btoa("k") });
      const get = await k("get", "mcpserver", "w2");
      assert.equal(get.code, 1, "a dry run creates nothing");
    });

    await t.step(
      "add --from FILE makes the server and a Secret it reads through secretKeyRef",
      async () => {
        const out = ok(
          await nmcp(env, "add", "weather", "--from", FIXTURE, "--env", "WEATHER_API_KEY=s3cret"),
          "add",
        );
        assert.equal(
          out,
          "secret/mcp-weather-env configured\nmcpserver.nmcp.nwrx.io/weather configured\n",
        );
        const server = JSON.parse(ok(await k("get", "mcpserver", "weather", "-o", "json"), "get"));
        assert.equal(
          server.spec.package.registryType,
          "npm",
          "the first package nmcp runs (not nuget)",
        );
        assert.deepEqual(server.spec.env, [{
          name: "WEATHER_API_KEY",
          valueFrom: { secretKeyRef: { name: "mcp-weather-env", key: "WEATHER_API_KEY" } },
        }]);
        const secret = JSON.parse(
          ok(await k("get", "secret", "mcp-weather-env", "-o", "json"), "secret"),
        );
        assert.equal(atob(secret.data.WEATHER_API_KEY), "s3cret");
        assert.equal(secret.metadata.ownerReferences[0].uid, server.metadata.uid);
        const printed = ok(
          await nmcp(env, "call", "weather", "get-env", "--timeout", "120"),
          "get-env",
        );
        const seen = JSON.parse(printed);
        assert.equal(seen.WEATHER_API_KEY, "s3cret");
        assert.equal(seen.WEATHER_UNITS, "metric");
        assert.equal(seen.npm_config_registry, "https://registry.npmjs.org");
      },
    );

    await t.step(
      "secret set rotates a key from stdin and adds a new one the server then reads",
      async () => {
        const rotated = await sh(env, "kubectl", [
          "nmcp",
          "secret",
          "set",
          "weather",
          "WEATHER_API_KEY",
        ], "rotated\n");
        assert.equal(ok(rotated, "rotate"), "secret/mcp-weather-env configured\n");
        const added = ok(await nmcp(env, "secret", "set", "weather", "EXTRA", "x1"), "add key");
        assert.equal(
          added,
          "secret/mcp-weather-env configured\n" +
            "mcpserver.nmcp.nwrx.io/weather configured (env EXTRA from secret/mcp-weather-env)\n",
        );
        const secret = JSON.parse(
          ok(await k("get", "secret", "mcp-weather-env", "-o", "json"), "secret"),
        );
        assert.deepEqual(Object.keys(secret.data).sort(), ["EXTRA", "WEATHER_API_KEY"]);
        assert.equal(atob(secret.data.WEATHER_API_KEY), "rotated");
        const env2 = JSON.parse(
          ok(await k("get", "mcpserver", "weather", "-o", "jsonpath={.spec.env}"), "env"),
        );
        assert.deepEqual(env2.map((v: { name: string }) => v.name), ["WEATHER_API_KEY", "EXTRA"]);
        const none = await nmcp(env, "secret", "set", "nope", "K", "v");
        assert.equal(none.code, 1);
        assert.match(none.stderr, /NotFound.*"nope" not found/);
      },
    );
  } finally {
    await registry.close();
    await e.close();
    await Deno.remove(cache, { recursive: true }).catch(() => {});
  }
});

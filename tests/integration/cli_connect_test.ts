/**
 * `kubectl nmcp connect` is durable, against the real operator on one harness cluster: the
 * local port wakes a server that was scaled to zero under it; `--stdio` survives its pod being
 * deleted (a real SDK client keeps working) and exits non-zero when the server that comes back
 * is another one; a queued connect says where it stands; `--configure` merges a client config.
 */

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { anyTag } from "../harness/mod.ts";
import { nmcp, pluginEnv, sh } from "./_cli_env.ts";
import {
  everything,
  getServer,
  type OperatorEnv,
  ROOT,
  startOperatorEnv,
  until,
} from "./operator_env.ts";

/** Another stdio MCP server (other name and capabilities than everything's). */
const CONFORMANCE_IMAGE = anyTag("test/conformance", {
  executables: {
    "conformance-server": {
      script: `exec '${Deno.execPath()}' run -A --config '${ROOT}/deno.json' ` +
        `'${ROOT}/tests/fixtures/conformance_server/main.ts'`,
    },
  },
  entrypoint: ["conformance-server"],
});

async function echo(url: string, message: string): Promise<unknown> {
  const client = new Client({ name: "cli-connect-http", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    return (await client.callTool({ name: "echo", arguments: { message } })).content;
  } finally {
    await client.close();
  }
}

/** Reads a stream into a growing string; `until(re, ms)` waits for a match. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const done = stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (text += chunk) }),
  ).catch(() => {});
  return {
    done,
    get text() {
      return text;
    },
    match: (re: RegExp, ms: number) =>
      until(`${re} in:\n${text}`, ms, () => Promise.resolve(text.match(re) ?? undefined)),
  };
}

const podOf = async (e: OperatorEnv, name: string) =>
  String((await getServer(e, name))?.status?.podName ?? "");

const readyPodOtherThan = (e: OperatorEnv, name: string, old: string) =>
  until(`a Ready ${name} on a pod other than ${old}`, 90_000, async () => {
    const s = await getServer(e, name);
    const pod = String(s?.status?.podName ?? "");
    return s?.status?.phase === "Ready" && pod && pod !== old ? pod : undefined;
  });

Deno.test({
  name: "kubectl nmcp connect wakes, resumes, queues and configures against the operator",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const e = await startOperatorEnv({ images: CONFORMANCE_IMAGE });
    try {
      await e.startOperator(["--no-leader-elect"]);
      const env = await pluginEnv(e.env, { source: true });
      const applied = await sh(env, "kubectl", ["nmcp", "apply", "-f", "-"], everything("ev"));
      assert.equal(applied.code, 0, applied.stderr);

      await t.step(
        "a new connection through the same port wakes a server scaled to zero",
        async () => {
          await scaleToZeroUnderTunnel(e, env);
        },
      );
      await t.step(
        "--stdio survives its pod being deleted, exits 1 when another server comes back",
        async () => {
          await stdioAcrossPods(e, env);
        },
      );
      await t.step(
        "a queued connect prints its place and the slot holders, then times out",
        async () => {
          await queuedConnect(e, env);
        },
      );
      await t.step(
        "--configure merges the stdio entry into an existing client config",
        async () => {
          await configure(env);
        },
      );
    } finally {
      await e.close();
    }
  },
});

async function scaleToZeroUnderTunnel(e: OperatorEnv, env: Record<string, string>) {
  const connect = new Deno.Command("kubectl", {
    args: ["nmcp", "connect", "ev", "--timeout", "90"],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = collect(connect.stdout);
  const err = collect(connect.stderr);
  try {
    const [, url] = await out.match(/MCP endpoint: (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/, 90_000);
    assert.deepEqual(await echo(url, "one"), [{ type: "text", text: "Echo: one" }]);
    const stopped = await nmcp(env, "stop", "ev");
    assert.equal(stopped.code, 0, stopped.stderr);
    await until("ev Idle with no pod", 60_000, async () => {
      const s = await getServer(e, "ev");
      return s?.status?.phase === "Idle" && !s.status.podName ? true : undefined;
    });
    // No retry: the first connection after the scale-down must wake the server and answer.
    const t0 = performance.now();
    assert.deepEqual(await echo(url, "two"), [{ type: "text", text: "Echo: two" }]);
    console.log(
      `first call through the tunnel after scale-to-zero: ${Math.round(performance.now() - t0)} ms`,
    );
    assert.match(err.text, /mcpserver\/ev: no running pod, requesting it\n/);
    assert.match(err.text, /mcpserver\/ev: Ready \(pod ev-\S+\) after \d+s\n/);
  } finally {
    connect.kill("SIGINT");
    assert.equal((await connect.status).code, 0, err.text);
    await Promise.all([out.done, err.done]);
  }
}

async function stdioAcrossPods(e: OperatorEnv, env: Record<string, string>) {
  const rcFile = await Deno.makeTempFile({ prefix: "nmcp-connect-rc-" });
  const transport = new StdioClientTransport({
    command: "sh",
    args: ["-c", 'kubectl nmcp connect ev --stdio --timeout 90; echo $? > "$0"', rcFile],
    env,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (b: Uint8Array) => stderr += new TextDecoder().decode(b));
  const client = new Client({ name: "cli-connect-stdio", version: "1.0.0" });
  await client.connect(transport, { timeout: 120_000 });
  const call = (message: string) =>
    client.callTool({ name: "echo", arguments: { message } }, undefined, { timeout: 120_000 });
  try {
    assert.deepEqual((await call("before")).content, [{ type: "text", text: "Echo: before" }]);
    const first = await podOf(e, "ev");
    const uid = async () =>
      await e.k(["get", "pod", await podOf(e, "ev"), "-o", "jsonpath={.metadata.uid}"]);
    const firstUid = await uid();
    await e.k(["delete", "pod", first]);
    assert.deepEqual((await call("after")).content, [{ type: "text", text: "Echo: after" }]);
    assert.notEqual(await uid(), firstUid, "the answer came from a new pod");

    // Another server under the same name: the session cannot resume, the process must end.
    const second = await podOf(e, "ev");
    const other = everything("ev", {
      image: "test/conformance:latest",
      command: ["conformance-server"],
      args: [],
    });
    assert.equal((await sh(env, "kubectl", ["nmcp", "apply", "-f", "-"], other)).code, 0);
    await readyPodOtherThan(e, "ev", second);
    await until(`pod ${second} gone`, 60_000, async () => {
      const r = await e.kubectl(["get", "pod", second]);
      return r.code !== 0 ? true : undefined;
    });
    await assert.rejects(call("changed"));
    const rc = await until("the bridge's exit status", 60_000, async () => {
      const text = (await Deno.readTextFile(rcFile)).trim();
      return text === "" ? undefined : Number(text);
    });
    assert.equal(rc, 1, stderr);
    assert.match(
      stderr,
      /error: Cannot resume the MCP session with MCPServer "ev": it is another server now \("mcp-servers\/everything", then "[^"]+"\) \(restart the client/,
    );
  } finally {
    await client.close();
    await Deno.remove(rcFile).catch(() => {});
  }
}

async function queuedConnect(e: OperatorEnv, env: Record<string, string>) {
  assert.equal((await nmcp(env, "stop", "ev")).code, 0);
  await e.k(
    ["apply", "--validate=false", "-f", "-"],
    JSON.stringify({
      apiVersion: "nmcp.nwrx.io/v1",
      kind: "MCPPool",
      metadata: { name: "solo", namespace: "default" },
      spec: { maxActive: 1 },
    }),
  );
  for (const name of ["busy", "late"]) {
    const r = await sh(
      env,
      "kubectl",
      ["nmcp", "apply", "-f", "-"],
      everything(name, { pool: "solo" }),
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const started = await nmcp(env, "start", "busy", "--wait", "--timeout", "90");
  assert.equal(started.code, 0, started.stderr);
  const queued = await nmcp(env, "connect", "late", "--timeout", "6");
  assert.equal(queued.code, 1, queued.stderr);
  const place = /Requested \(queued in pool "solo": place 1; slots held by busy\)/;
  assert.match(queued.stderr, new RegExp(`^mcpserver/late: ${place.source}, waiting \\d+s$`, "m"));
  assert.match(
    queued.stderr,
    new RegExp(
      `error: Cannot connect to MCPServer "late": not Ready after 6s, last state ${place.source}`,
    ),
  );
  assert.equal(queued.stdout, "", "no URL is printed for a server that never became Ready");
  const waited = await nmcp(env, "start", "late", "--wait", "--timeout", "3");
  assert.equal(waited.code, 1, waited.stderr);
  assert.match(waited.stderr, new RegExp(`^mcpserver/late: ${place.source}, waiting \\d+s$`, "m"));
}

async function configure(env: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-configure-" });
  try {
    const file = `${dir}/claude_desktop_config.json`;
    await Deno.writeTextFile(file, JSON.stringify({ mcpServers: { keep: { command: "x" } } }));
    const r = await nmcp(env, "connect", "ev", "--configure", "claude", "--config-file", file);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual(doc.mcpServers.keep, { command: "x" });
    const entry = doc.mcpServers.ev;
    assert.equal(entry.command, Deno.realPathSync(`${ROOT}/bin/kubectl-nmcp`));
    assert.deepEqual(entry.args, ["connect", "ev", "--stdio", "-n", "default"]);
    assert.ok(Deno.statSync(entry.env.NMCP_DENO).isFile);
    assert.equal(entry.env.KUBECONFIG, env.KUBECONFIG);
    const missing = await nmcp(
      env,
      "connect",
      "nope",
      "--configure",
      "cursor",
      "--config-file",
      file,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

import assert from "node:assert/strict";
import { claimIpRange } from "../kubelet/ip_claim.ts";
import { buildNetshim, netshimEnv } from "./mod.ts";

// Each server answers its name and the peer address it sees.
const SERVE = `
const name = Deno.args[0];
const server = Deno.serve({ hostname: "0.0.0.0", port: Number(Deno.args[1]), onListen() {
  console.log("up");
} }, (_req, info) => new Response(name + " " + info.remoteAddr.hostname));
await new Promise((r) => setTimeout(r, 20000));
await server.shutdown();`;

const NODE_SERVE =
  `require("http").createServer((q, s) => s.end(process.argv[1] + " " + q.socket.remoteAddress))
  .listen(Number(process.argv[2]), () => console.log("up"));`;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function start(cmd: string, args: string[], env: Record<string, string>) {
  const child = new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "inherit" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    let seen = "";
    while (!seen.includes("up") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${cmd} exited before listening`);
      seen += value;
    }
  })();
  const stop = async () => {
    child.kill("SIGKILL");
    await reader.cancel().catch(() => {});
    await child.status;
  };
  return { ready, stop };
}

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  return await res.text();
}

/** GETs `url` from a netshim'd Deno process (a client in a pod). */
async function getFrom(env: Record<string, string>, url: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `console.log(await (await fetch(${JSON.stringify(url)})).text())`],
    env,
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("netshim: two pods share a port on their own IPs; localhost is the pod; peers as a pod sees them", async () => {
  const lib = await buildNetshim();
  const range = claimIpRange();
  const [ipA, ipB, node] = [`${range.prefix}.201`, `${range.prefix}.202`, `${range.prefix}.1`];
  const [envA, envB] = [netshimEnv(lib, ipA, node), netshimEnv(lib, ipB, node)];
  const port = freePort();
  const a = start(Deno.execPath(), ["eval", SERVE, "a", String(port)], envA);
  const b = start("node", ["-e", NODE_SERVE, "b", String(port)], envB);
  try {
    await Promise.all([a.ready, b.ready]);
    // from the host (no shim): the host's 127.0.0.1 shows as the node, never as loopback
    assert.equal(await get(`http://${ipA}:${port}/`), `a ${node}`);
    assert.equal(await get(`http://${ipB}:${port}/`), `b ::ffff:${node}`);
    await assert.rejects(get(`http://127.0.0.1:${port}/`), "nothing listens on the host's own IP");
    // from the same pod, through localhost: the pod's own loopback
    assert.equal(await getFrom(envA, `http://localhost:${port}/`), "a 127.0.0.1");
    assert.equal(await getFrom(envB, `http://127.0.0.1:${port}/`), "b ::ffff:127.0.0.1");
    // from the same pod, through its own pod IP: still its own loopback
    assert.equal(await getFrom(envA, `http://${ipA}:${port}/`), "a 127.0.0.1");
    // from the other pod: its pod IP (the client's source is bound to it)
    assert.equal(await getFrom(envB, `http://${ipA}:${port}/`), `a ${ipB}`);
    assert.equal(await getFrom(envA, `http://${ipB}:${port}/`), `b ::ffff:${ipA}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    range.release();
  }
});

import assert from "node:assert/strict";
import { claimIpRange } from "../kubelet/ip_claim.ts";
import { buildNetshim, netshimEnv } from "./mod.ts";

const SERVE = `
const name = Deno.args[0];
const server = Deno.serve({ hostname: "0.0.0.0", port: Number(Deno.args[1]), onListen() {
  console.log("up");
} }, () => new Response(name));
await new Promise((r) => setTimeout(r, 20000));
await server.shutdown();`;

const NODE_SERVE = `require("http").createServer((q, s) => s.end(process.argv[1]))
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

Deno.test("netshim gives two pods the same port on their own IPs, and localhost is the pod", async () => {
  const lib = await buildNetshim();
  const range = claimIpRange();
  const [ipA, ipB] = [`${range.prefix}.201`, `${range.prefix}.202`];
  const port = freePort();
  const a = start(
    Deno.execPath(),
    ["eval", SERVE, "a", String(port)],
    netshimEnv(lib, ipA),
  );
  const b = start("node", ["-e", NODE_SERVE, "b", String(port)], netshimEnv(lib, ipB));
  try {
    await Promise.all([a.ready, b.ready]);
    assert.equal(await get(`http://${ipA}:${port}/`), "a");
    assert.equal(await get(`http://${ipB}:${port}/`), "b");
    await assert.rejects(get(`http://127.0.0.1:${port}/`), "nothing listens on the host's own IP");
    const probe = (ip: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", `console.log(await (await fetch("http://localhost:${port}/")).text())`],
        env: netshimEnv(lib, ip),
        stdout: "piped",
      }).output();
    const fromA = await probe(ipA);
    assert.equal(new TextDecoder().decode(fromA.stdout).trim(), "a");
    const fromB = await probe(ipB);
    assert.equal(new TextDecoder().decode(fromB.stdout).trim(), "b");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    range.release();
  }
});

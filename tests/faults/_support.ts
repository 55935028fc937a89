/** Shared pieces of the fault-injection suite: a served-client check, RSS, a seeded PRNG, pids. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { GATEWAY_V8_FLAGS } from "../../operator/build/pod.ts";
import { startGateway } from "../integration/gateway_support.ts";

/** The gateway container's memory limit (operator/build/security.ts), in KiB. */
export const SIDECAR_LIMIT_KIB = 128 * 1024;

/** Starts the gateway binary with the V8 flags the operator sets in pods. */
export function startPodLikeGateway(args: string[]) {
  return startGateway(args, true, { DENO_V8_FLAGS: GATEWAY_V8_FLAGS });
}

/** Connects a fresh SDK client over Streamable HTTP, calls `echo`, checks the answer and leaves. */
export async function assertServed(
  mcpUrl: string,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<number> {
  const t0 = performance.now();
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers },
  });
  const client = new Client({ name: "fresh", version: "1" });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const text = `fresh-${crypto.randomUUID()}`;
    const r = await client.callTool({ name: "echo", arguments: { message: text } }, undefined, {
      timeout: timeoutMs,
    });
    assert.match(JSON.stringify(r.content), new RegExp(text), "the fresh client's own echo");
    return performance.now() - t0;
  } finally {
    await transport.terminateSession().catch(() => {});
    await client.close();
  }
}

/** The resident set of process `pid` in KiB (VmRSS of /proc/PID/status). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`Cannot read RSS of process "${pid}": no VmRSS line`);
  return Number(m[1]);
}

/** Whether process `pid` exists (and is not a zombie). */
export async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The gateway's `/activity` report. */
export async function activity(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ openSessions: number; currentConnections: number; totalRequests: number }> {
  const r = await fetch(`${url}/activity`, { headers, signal: AbortSignal.timeout(5000) });
  assert.equal(r.status, 200);
  return await r.json();
}

/** A deterministic PRNG (mulberry32): the same seed gives the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pids of the processes whose command line contains every one of `parts` and env has `env`. */
export async function findProcesses(parts: string[], env?: string): Promise<number[]> {
  const found: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).split("\0").join(" ");
      if (!parts.every((p) => cmd.includes(p))) continue;
      if (env && !(await Deno.readTextFile(`/proc/${e.name}/environ`)).split("\0").includes(env)) {
        continue;
      }
      found.push(Number(e.name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Milliseconds until `p` settles (resolved or rejected); never throws. */
export async function settleTime(p: Promise<unknown>, t0: number): Promise<number> {
  await p.catch(() => {});
  return performance.now() - t0;
}

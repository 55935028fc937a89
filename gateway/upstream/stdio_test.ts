import assert from "node:assert/strict";
import { createLogger } from "../../lib/log.ts";
import type { Message } from "../jsonrpc/message.ts";
import { StdioUpstream } from "./stdio.ts";

const ECHO = [
  Deno.execPath(),
  "run",
  "--quiet",
  new URL("../../bench/echo_server.ts", import.meta.url).pathname,
];
const log = createLogger({ component: "test" }, { level: "error" });
const call = (id: number): Message => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: { message: `m${id}` } },
});

/** Starts an upstream and collects what it reports. */
function started(up: StdioUpstream) {
  const got: Message[] = [];
  let connected = 0;
  let notify = () => {};
  up.start({
    message: (m) => (got.push(m), notify()),
    connected: () => (connected++, notify()),
    down: () => {},
  });
  const until = (ok: () => boolean, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      notify = () => ok() && (clearTimeout(timer), resolve());
      notify();
    });
  return { got, connected: () => connected, until };
}

Deno.test("StdioUpstream: a burst of sends arrives whole and in order", async () => {
  const up = new StdioUpstream({ command: ECHO, log, restart: false });
  const s = started(up);
  try {
    await s.until(() => s.connected() === 1);
    for (let id = 1; id <= 500; id++) assert.ok(up.send(call(id)));
    await s.until(() => s.got.length === 500);
    assert.deepEqual(s.got.map((m) => m.id), Array.from({ length: 500 }, (_, i) => i + 1));
    assert.deepEqual(s.got[499].result, { content: [{ type: "text", text: "m500" }] });
  } finally {
    await up.close();
  }
});

Deno.test("StdioUpstream: lines sent after a restart reach the new child", async () => {
  const up = new StdioUpstream({ command: ECHO, log });
  const s = started(up);
  try {
    await s.until(() => s.connected() === 1);
    up.send(call(1));
    Deno.kill(up.pid!, "SIGKILL");
    await s.until(() => s.connected() === 2);
    for (let id = 2; id <= 50; id++) up.send(call(id));
    await s.until(() => s.got.some((m) => m.id === 50));
    const after = s.got.filter((m) => (m.id as number) >= 2).map((m) => m.id);
    assert.deepEqual(after, Array.from({ length: 49 }, (_, i) => i + 2));
  } finally {
    await up.close();
  }
});

/**
 * A stdio MCP server that sends server-to-client requests with no related id, as stdio SDK
 * servers do. `echo` first sends an unprompted `roots/list` (as server-everything's roots sync can
 * fire just while a call arrives), then answers at once without waiting for it; `ask-roots` sends
 * `roots/list` and answers only once the client answered it; `report` lists the answers it got
 * to its requests (`<id> <error code | ok>`).
 */

import { encodeLine, LineDecoder } from "../../jsonrpc/framing.ts";

let next = 0;
/** Calls of `ask-roots` waiting for the answer to their roots/list, by that request's id. */
const asking = new Map<string, unknown>();
const answers: string[] = [];

function send(msg: unknown): Promise<number> {
  return Deno.stdout.write(encodeLine(msg));
}

async function onRequest(msg: { id: unknown; method: string; params?: { name?: string } }) {
  const reply = (result: unknown) => send({ jsonrpc: "2.0", id: msg.id, result });
  if (msg.method === "initialize") {
    return await reply({
      protocolVersion: "2025-06-18",
      capabilities: { tools: {} },
      serverInfo: { name: "unprompted", version: "1.0.0" },
    });
  }
  if (msg.method !== "tools/call") return await reply({});
  if (msg.params?.name === "report") {
    return await reply({ content: [{ type: "text", text: JSON.stringify(answers) }] });
  }
  const id = `r${next++}`;
  const ask = { jsonrpc: "2.0", id, method: "roots/list", params: {} };
  if (msg.params?.name === "ask-roots") {
    asking.set(id, msg.id);
    return await send(ask);
  }
  await send(ask);
  await reply({ content: [{ type: "text", text: "echoed" }] });
}

async function onResponse(msg: { id: string; result?: unknown; error?: { code: number } }) {
  answers.push(`${msg.id} ${msg.error ? msg.error.code : "ok"}`);
  const call = asking.get(msg.id);
  if (call === undefined) return;
  asking.delete(msg.id);
  const text = msg.error ? `no roots: ${msg.error.code}` : JSON.stringify(msg.result);
  await send({ jsonrpc: "2.0", id: call, result: { content: [{ type: "text", text }] } });
}

if (import.meta.main) {
  const lines = new LineDecoder();
  for await (const chunk of Deno.stdin.readable) {
    for (const line of lines.push(chunk)) {
      const msg = JSON.parse(line);
      if (msg.method === undefined) await onResponse(msg);
      else if (msg.id !== undefined) await onRequest(msg);
    }
  }
}

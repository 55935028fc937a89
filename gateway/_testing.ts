/** Test helpers: an in-memory MCP server behind the Upstream interface. */
import type { Message } from "./jsonrpc/message.ts";
import type { Upstream, UpstreamEvents } from "./upstream/types.ts";

/** A tiny in-memory MCP server: echoes tools/call arguments, can be told to die. */
export class FakeUpstream implements Upstream {
  events: UpstreamEvents | null = null;
  received: Message[] = [];
  /** When set, tools/call answers are held until released. */
  hold = false;
  held: Message[] = [];

  start(events: UpstreamEvents): void {
    this.events = events;
    queueMicrotask(() => events.connected());
  }

  send(msg: Message): boolean {
    if (!this.events) return false;
    this.received.push(msg);
    queueMicrotask(() => this.#answer(msg));
    return true;
  }

  #answer(msg: Message): void {
    if (msg.id === undefined || msg.method === undefined) return;
    const reply = (result: unknown) => this.events?.message({ jsonrpc: "2.0", id: msg.id, result });
    if (msg.method === "initialize") {
      return reply({
        protocolVersion: "2025-06-18",
        capabilities: { tools: { listChanged: true }, resources: { subscribe: true } },
        serverInfo: { name: "fake", version: "1.0.0" },
      });
    }
    if (msg.method === "tools/call") {
      if (this.hold) return void this.held.push(msg);
      return reply({ content: [{ type: "text", text: JSON.stringify(msg.params?.arguments) }] });
    }
    reply({});
  }

  /** Simulates the server dying. */
  die(): void {
    const e = this.events;
    this.events = null;
    e?.down("killed", false);
  }

  close(): Promise<void> {
    this.events = null;
    return Promise.resolve();
  }
}

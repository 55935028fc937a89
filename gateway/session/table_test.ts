import assert from "node:assert/strict";
import { SessionTable, type TableEntry } from "./table.ts";

const entry = (client: string, lastActive: number, busy = false, used = true): TableEntry => ({
  client,
  lastActive,
  used,
  busy: () => busy,
});

function table(entries: Record<string, TableEntry>): SessionTable<TableEntry> {
  const t = new SessionTable<TableEntry>();
  for (const [id, e] of Object.entries(entries)) t.set(id, e);
  return t;
}

Deno.test("SessionTable.expired() ends unused sessions sooner and never busy ones", () => {
  const t = table({
    used: entry("a", 0),
    unused: entry("a", 0, false, false),
    busy: entry("a", 0, true, false),
    fresh: entry("a", 900, false, false),
  });
  assert.deepEqual(t.expired(1000, 5000, 500), ["unused"]);
  assert.deepEqual(t.expired(6000, 5000, 500), ["used", "unused", "fresh"]);
});

Deno.test("SessionTable.admit() evicts a client's own oldest idle session at its cap", () => {
  const t = table({
    a1: entry("a", 5),
    a2: entry("a", 3),
    a3: entry("a", 1, true),
    b1: entry("b", 0),
  });
  assert.deepEqual(t.admit("a", { max: 10, perClient: 3 }), { ok: true, evict: ["a2"] });
  assert.deepEqual(t.admit("b", { max: 10, perClient: 3 }), { ok: true, evict: [] });
  const busy = table({ a1: entry("a", 1, true), a2: entry("a", 2, true) });
  const refused = busy.admit("a", { max: 10, perClient: 2 });
  assert.ok(!refused.ok && refused.status === 429);
});

Deno.test("SessionTable.admit() evicts the oldest idle session when full instead of refusing all", () => {
  const t = table({ a1: entry("a", 5), b1: entry("b", 2), c1: entry("c", 1, true) });
  assert.deepEqual(t.admit("d", { max: 3, perClient: 3 }), { ok: true, evict: ["b1"] });
  const allBusy = table({ a1: entry("a", 5, true), b1: entry("b", 2, true) });
  const refused = allBusy.admit("d", { max: 2, perClient: 3 });
  assert.ok(!refused.ok && refused.status === 503);
});

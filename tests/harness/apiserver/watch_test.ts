import assert from "node:assert/strict";
import { Api, selectorPredicate } from "./api.ts";
import type { Obj } from "./patch.ts";
import { Registry } from "./resources.ts";
import { Store } from "./store.ts";
import { translate, WatchHub, watchResponse } from "./watch.ts";

Deno.test("translate() turns selector transitions into ADDED and DELETED", () => {
  const keep = selectorPredicate("app=web");
  const obj = (labels: Record<string, string>, ns = "a"): Obj => ({
    metadata: { name: "x", namespace: ns, labels },
  });
  const ev = (type: "ADDED" | "MODIFIED" | "DELETED", o: Obj, prev?: Obj) => ({
    rv: 1,
    type,
    skey: "/pods",
    obj: o,
    prev,
  });
  assert.equal(translate(ev("MODIFIED", obj({ app: "web" }), obj({})), "a", keep)?.type, "ADDED");
  assert.equal(translate(ev("MODIFIED", obj({}), obj({ app: "web" })), "a", keep)?.type, "DELETED");
  assert.equal(
    translate(ev("MODIFIED", obj({ app: "web" }), obj({ app: "web" })), "a", keep)?.type,
    "MODIFIED",
  );
  assert.equal(translate(ev("MODIFIED", obj({}), obj({})), "a", keep), undefined);
  assert.equal(translate(ev("ADDED", obj({ app: "web" }, "b")), "a", keep), undefined);
  assert.equal(
    translate(ev("DELETED", obj({ app: "web" }), obj({ app: "web" })), undefined, keep)?.type,
    "DELETED",
  );
});

Deno.test("watchResponse() streams changes, BOOKMARKs on the keep-alive tick, and ends on closeAll", async () => {
  const api = new Api(new Store(), new Registry());
  const hub = new WatchHub();
  const ns = api.registry.find("", "v1", "namespaces")!;
  api.create(ns, undefined, { metadata: { name: "default" } });
  const cm = api.registry.find("", "v1", "configmaps")!;
  const res = watchResponse(api, hub, cm, {
    namespace: "default",
    allowWatchBookmarks: true,
    keepAliveMs: 30,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  api.create(cm, "default", { metadata: { name: "c" } });
  let text = "";
  const end = Date.now() + 2000;
  while (!text.includes("BOOKMARK") && Date.now() < end) text += (await reader.read()).value ?? "";
  hub.closeAll();
  while (!(await reader.read()).done) { /* drain until the server closes */ }
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].type, "ADDED");
  assert.equal(lines[0].object.metadata.name, "c");
  assert.equal(lines.at(-1).type, "BOOKMARK");
  assert.equal(lines.at(-1).object.metadata.resourceVersion, String(api.store.rv));
  assert.equal(hub.size, 0);
});

Deno.test("parseGoDuration() reads the durations client-go sends", async () => {
  const { parseGoDuration } = await import("./watch.ts");
  assert.equal(parseGoDuration("32s"), 32);
  assert.equal(parseGoDuration("1m0s"), 60);
  assert.equal(parseGoDuration("1h2m3s"), 3723);
  assert.equal(parseGoDuration("500ms"), 0.5);
  assert.equal(parseGoDuration(null), undefined);
  assert.throws(() => parseGoDuration("soon"), /invalid timeout/);
});

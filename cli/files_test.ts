import assert from "node:assert/strict";
import { parseDocuments, placeObjects, readObjects } from "./files.ts";

Deno.test("readObjects() reads files, directories and stdin, flattening Lists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.yaml`,
      "apiVersion: nmcp.nwrx.io/v1\nkind: MCPServer\nmetadata: {name: a}\nspec: {image: x}\n---\n" +
        "apiVersion: nmcp.nwrx.io/v1\nkind: MCPPool\nmetadata: {name: p}\nspec: {}\n",
    );
    await Deno.writeTextFile(`${dir}/ignored.txt`, "nope");
    const list = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [{ apiVersion: "v1", kind: "X", metadata: { name: "s" } }],
    });
    const objs = await readObjects([dir, "-"], () => Promise.resolve(list));
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), [
      "MCPServer/a",
      "MCPPool/p",
      "X/s",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseDocuments() rejects documents without kind and bad YAML", () => {
  assert.throws(
    () => parseDocuments("metadata: {}\n", "f.yaml"),
    /apiVersion and kind are required/,
  );
  assert.throws(() => parseDocuments("a: [\n", "f.yaml"), /Cannot parse file "f.yaml"/);
});

Deno.test("placeObjects() fills the namespace and refuses a conflicting -n", () => {
  const o = { apiVersion: "v", kind: "K", metadata: { name: "a" } };
  assert.equal(placeObjects([o], "ns", undefined)[0].metadata.namespace, "ns");
  const own = { ...o, metadata: { name: "a", namespace: "x" } };
  assert.throws(() => placeObjects([own], "ns", "y"), /does not match --namespace "y"/);
});

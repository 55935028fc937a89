import assert from "node:assert/strict";
import { customColumns, goValue, parseOutput, printObjects } from "./format.ts";

const files: Record<string, string> = {
  "/cols": "NAME   POOL\n.metadata.name   .spec.pool\n",
  "/tpl": "{.metadata.name}",
};
const read = (f: string) => {
  if (!(f in files)) throw new Error("no such file or directory");
  return files[f];
};

Deno.test("parseOutput() accepts kubectl's formats and rejects others with kubectl's words", () => {
  assert.deepEqual(parseOutput(undefined), { kind: "table", wide: false });
  assert.deepEqual(parseOutput("wide"), { kind: "table", wide: true });
  assert.deepEqual(parseOutput("name"), { kind: "name" });
  assert.deepEqual(parseOutput("jsonpath={.kind}"), { kind: "jsonpath", template: "{.kind}" });
  assert.deepEqual(parseOutput("jsonpath-file=/tpl", read), {
    kind: "jsonpath",
    template: "{.metadata.name}",
  });
  assert.deepEqual(parseOutput("custom-columns=A:.a,B:{.b}"), {
    kind: "custom-columns",
    columns: [{ header: "A", path: ".a" }, { header: "B", path: "{.b}" }],
  });
  assert.deepEqual(parseOutput("custom-columns-file=/cols", read), {
    kind: "custom-columns",
    columns: [{ header: "NAME", path: ".metadata.name" }, { header: "POOL", path: ".spec.pool" }],
  });
  assert.throws(
    () => parseOutput("xml"),
    {
      message: 'unable to match a printer suitable for the output format "xml", allowed formats ' +
        "are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml",
    },
  );
  assert.throws(() => parseOutput("jsonpath"), {
    message: "template format specified but no template given",
  });
  assert.throws(() => parseOutput("jsonpath={.items[}"), {
    message: "error parsing jsonpath {.items[}, unterminated array",
  });
  assert.throws(() => parseOutput("custom-columns=bad"), {
    message: "unexpected custom-columns spec: bad, expected <header>:<json-path-expr>",
  });
  assert.throws(() => parseOutput("jsonpath-file=/none", read), /error reading --template \/none/);
});

Deno.test("customColumns() pads like kubectl, joins several values, shows <none> for absent", () => {
  const items = [
    { metadata: { name: "bad" }, spec: { image: "x", transport: { type: "stdio" } } },
    { metadata: { name: "longer-name" }, spec: {} },
  ];
  const cols = [
    { header: "NAME", path: ".metadata.name" },
    { header: "X", path: ".spec.nothing" },
    { header: "T", path: ".spec.*" },
  ];
  assert.equal(
    customColumns(cols, items),
    "NAME          X        T\nbad           <none>   x,map[type:stdio]\nlonger-name   <none>   <none>\n",
  );
  assert.equal(goValue({ b: [1, "a"], a: null }), "map[a:<nil> b:[1 a]]");
});

Deno.test("printObjects() runs jsonpath on a List, or on the object when one was named", async () => {
  const objs = [{ kind: "MCPServer", metadata: { name: "a", managedFields: [{}] } }];
  const list = await printObjects(
    { kind: "jsonpath", template: "{.kind} {.items[0].metadata}" },
    objs,
  );
  assert.equal(list, 'List {"name":"a"}');
  const one = await printObjects({ kind: "jsonpath", template: "{.metadata.name}" }, objs, true);
  assert.equal(one, "a");
  assert.equal(await printObjects({ kind: "name" }, objs), "mcpserver.nmcp.nwrx.io/a\n");
});

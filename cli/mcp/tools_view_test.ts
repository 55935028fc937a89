import assert from "node:assert/strict";
import { renderTable } from "../output/table.ts";
import { resultText, toolArguments, type ToolInfo, toolsTable } from "./tools_view.ts";

const sum: ToolInfo = {
  name: "sum",
  description: "Adds numbers.\nMore text.",
  inputSchema: {
    properties: {
      a: { type: "number" },
      n: { type: "integer" },
      flag: { type: "boolean" },
      tags: { type: "array" },
      label: { type: "string" },
      either: { type: ["string", "null"] },
      free: {},
    },
    required: ["a"],
  },
};

Deno.test("toolsTable() shows name, required arguments and the description's first line", () => {
  assert.equal(
    renderTable(toolsTable([sum, { name: "ping" }])),
    "NAME   REQUIRED   DESCRIPTION\nsum    a          Adds numbers.\nping   <none>     <none>\n",
  );
});

Deno.test("toolArguments() types key=value by the input schema; strings stay strings", () => {
  assert.deepEqual(
    toolArguments(sum, [
      "a=1.5",
      "n=2",
      "flag=false",
      'tags=["x"]',
      "label=007",
      "either=3",
      "free=4",
      "x=a=b",
    ]),
    { a: 1.5, n: 2, flag: false, tags: ["x"], label: "007", either: "3", free: "4", x: "a=b" },
  );
});

Deno.test("toolArguments() merges --json under key=value pairs and checks required ones", () => {
  assert.deepEqual(toolArguments(sum, ["a=2"], '{"a": 1, "label": "l"}'), { a: 2, label: "l" });
  assert.throws(
    () => toolArguments(sum, []),
    /^TypeError: Cannot call tool "sum": missing required argument a$/,
  );
  assert.throws(
    () => toolArguments(sum, ["a=x"]),
    /Cannot use argument a="x" for tool "sum": expected number/,
  );
  assert.throws(() => toolArguments(sum, ["a"]), /expected key=value/);
  assert.throws(() => toolArguments(sum, [], "[1]"), /Cannot use --json: expected a JSON object/);
  assert.throws(() => toolArguments(sum, [], "{"), /^TypeError: Cannot use --json: /);
});

Deno.test("resultText() prints text content as is and names other content", () => {
  assert.equal(
    resultText({
      content: [
        { type: "text", text: "one" },
        { type: "image", mimeType: "image/png" },
        { type: "resource", resource: { uri: "file:///a" } },
        { type: "text", text: "two\n" },
      ],
    }),
    "one\n[image image/png]\n[resource file:///a]\ntwo\n",
  );
  assert.equal(resultText({ content: [], structuredContent: { a: 1 } }), '{"a":1}\n');
});

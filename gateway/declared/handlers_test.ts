import assert from "node:assert/strict";
import { type Declared, EMPTY } from "./file.ts";
import { answer, toolResultOf } from "./handlers.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const reply = (status: number, contentType: string, body: string) => ({
  status,
  statusText: status === 200 ? "OK" : "Error",
  contentType,
  body: bytes(body),
});

Deno.test("toolResultOf(): a JSON object is structuredContent plus text; arrays are text only", () => {
  assert.deepEqual(toolResultOf("t", reply(200, "application/json; charset=utf-8", '{"a": 1}')), {
    result: { content: [{ type: "text", text: '{"a":1}' }], structuredContent: { a: 1 } },
  });
  assert.deepEqual(toolResultOf("t", reply(200, "application/problem+json", "[1,2]")), {
    result: { content: [{ type: "text", text: "[1,2]" }] },
  });
  assert.deepEqual(toolResultOf("t", reply(200, "application/json", "not json")), {
    result: { content: [{ type: "text", text: "not json" }] },
  });
  assert.deepEqual(toolResultOf("t", reply(200, "text/html", "<b>x</b>")), {
    result: { content: [{ type: "text", text: "<b>x</b>" }] },
  });
});

Deno.test("toolResultOf(): 3xx, 4xx and 5xx answers are isError results naming the status", () => {
  for (const status of [302, 404, 503]) {
    const out = toolResultOf("t", reply(status, "text/plain", "why")) as {
      result: { content: { text: string }[]; isError: boolean };
    };
    assert.equal(out.result.isError, true);
    assert.equal(
      out.result.content[0].text,
      `Cannot call tool "t": the backend answered HTTP ${status} Error: why`,
    );
  }
});

const D: Declared = {
  ...EMPTY,
  prompts: [{
    name: "greet",
    description: "d",
    template: "Hello {{name}}, you asked {{query}}",
    arguments: [{ name: "name", required: true }, { name: "query", default: "none" }],
  }],
};
const never = new AbortController().signal;

Deno.test("answer() prompts/get: defaults, given values, missing required and unknown names", async () => {
  assert.deepEqual(
    await answer(D, "prompts/get", { name: "greet", arguments: { name: "A" } }, never),
    {
      result: {
        description: "d",
        messages: [{ role: "user", content: { type: "text", text: "Hello A, you asked none" } }],
      },
    },
  );
  const given = await answer(D, "prompts/get", {
    name: "greet",
    arguments: { name: "A", query: "q" },
  }, never) as { result: { messages: { content: { text: string } }[] } };
  assert.equal(given.result.messages[0].content.text, "Hello A, you asked q");
  assert.deepEqual(await answer(D, "prompts/get", { name: "greet" }, never), {
    error: { code: -32602, message: 'Cannot get prompt "greet": missing required argument "name"' },
  });
  assert.deepEqual(await answer(D, "prompts/get", { name: "x" }, never), {
    error: { code: -32602, message: "Unknown prompt: x" },
  });
  assert.deepEqual(await answer(D, "tools/call", { name: "x" }, never), {
    error: { code: -32602, message: "Unknown tool: x" },
  });
  assert.deepEqual(await answer(D, "resources/read", { uri: "a://b" }, never), {
    error: { code: -32002, message: "Resource not found: a://b" },
  });
});

import assert from "node:assert/strict";
import { pathOf, queryParam } from "./request_url.ts";

Deno.test("pathOf() agrees with URL.pathname for the URLs Deno.serve hands out", () => {
  for (
    const url of [
      "http://127.0.0.1:8080/mcp",
      "http://h/message?sessionId=abc",
      "http://[::1]:9/sse#x",
      "http://h/",
      "http://h/a?b#c",
      "http://h/a#b?c",
    ]
  ) assert.equal(pathOf(url), new URL(url).pathname, url);
  assert.equal(pathOf("http://h"), "/");
});

Deno.test("queryParam() decodes like URLSearchParams and ignores the fragment", () => {
  for (
    const url of [
      "http://h/message?sessionId=abc",
      "http://h/message?x=1&sessionId=a%20b+c&sessionId=second",
      "http://h/message?sessionId=&x",
      "http://h/message?sessionId",
      "http://h/message?other=1",
      "http://h/message",
      "http://h/message?sessionId=z#frag",
      "http://h/message?session%49d=enc",
    ]
  ) {
    assert.equal(queryParam(url, "sessionId"), new URL(url).searchParams.get("sessionId"), url);
  }
  assert.equal(queryParam("http://h/?sessionId=%zz", "sessionId"), null);
});

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { isSessionLost, resumeRefusal } from "./resume.ts";

Deno.test("isSessionLost() is true for an unknown session or a lost connection only", () => {
  assert.equal(isSessionLost(new StreamableHTTPError(404, "unknown session")), true);
  assert.equal(isSessionLost(new StreamableHTTPError(503, "draining")), true);
  assert.equal(isSessionLost(new TypeError("error sending request: connection refused")), true);
  assert.equal(isSessionLost(new StreamableHTTPError(400, "bad request")), false);
  assert.equal(isSessionLost(new StreamableHTTPError(401, "unauthorized")), false);
  assert.equal(isSessionLost(new Error("something else")), false);
});

Deno.test("resumeRefusal() accepts the same server in any key order, refuses changes", () => {
  const before = {
    protocolVersion: "2025-06-18",
    capabilities: { tools: { listChanged: true }, logging: {} },
    serverInfo: { name: "everything", version: "1" },
  };
  const reordered = {
    serverInfo: { version: "2", name: "everything" },
    capabilities: { logging: {}, tools: { listChanged: true } },
    protocolVersion: "2025-06-18",
  };
  assert.equal(resumeRefusal(before, reordered), undefined);
  assert.equal(
    resumeRefusal(before, { ...before, protocolVersion: "2025-03-26" }),
    "its protocol version changed from 2025-06-18 to 2025-03-26",
  );
  assert.match(
    resumeRefusal(before, { ...before, serverInfo: { name: "other" } })!,
    /another server now \("everything", then "other"\)/,
  );
  assert.equal(
    resumeRefusal(before, { ...before, capabilities: { tools: {} } }),
    "its capabilities changed",
  );
});

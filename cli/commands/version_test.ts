import assert from "node:assert/strict";
import { versionText } from "./version.ts";

Deno.test("versionText() prints one Key: value line per known part, like kubectl version", () => {
  assert.equal(versionText({ clientVersion: "v1.0.0" }), "Client Version: v1.0.0\n");
  assert.equal(
    versionText({
      clientVersion: "v1.0.0",
      serverVersion: "v1.32.4",
      operator: {
        namespace: "nmcp-system",
        image: "ghcr.io/nwrx/nmcp:0.1.0",
        version: "0.1.0",
        ready: "1/1",
      },
      crds: { "mcpservers.nmcp.nwrx.io": ["v1"] },
    }),
    "Client Version: v1.0.0\nServer Version: v1.32.4\n" +
      "Operator Version: 0.1.0 (nmcp-system/nmcp-operator, ghcr.io/nwrx/nmcp:0.1.0, 1/1 ready)\n" +
      "CRD Versions: mcpservers.nmcp.nwrx.io v1\n",
  );
  assert.match(
    versionText({ clientVersion: "v1", serverVersion: "v2", operator: null, crds: {} }),
    /Operator Version: <not installed>\nCRD Versions: <not installed>\n$/,
  );
});

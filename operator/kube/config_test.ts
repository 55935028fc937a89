import assert from "node:assert/strict";
import { loadClusterAccess } from "./config.ts";

Deno.test("loadClusterAccess() reads token, CA data and the chosen context", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "from-file\n");
    const cfg = {
      "current-context": "a",
      clusters: [
        {
          name: "ca",
          cluster: {
            server: "https://127.0.0.1:6443/",
            "certificate-authority-data": btoa("CA PEM"),
          },
        },
        { name: "cb", cluster: { server: "https://127.0.0.2:6443" } },
      ],
      users: [
        { name: "ua", user: { token: "tok-a" } },
        { name: "ub", user: { tokenFile: "token", as: "alice" } },
      ],
      contexts: [
        { name: "a", context: { cluster: "ca", user: "ua" } },
        { name: "b", context: { cluster: "cb", user: "ub" } },
      ],
    };
    await Deno.writeTextFile(`${dir}/config`, JSON.stringify(cfg));
    const a = await loadClusterAccess({ kubeconfig: `${dir}/config` });
    assert.equal(a.server, "https://127.0.0.1:6443");
    assert.equal(a.caPem, "CA PEM");
    assert.deepEqual(await a.headers(), { authorization: "Bearer tok-a" });
    const b = await loadClusterAccess({ kubeconfig: `${dir}/config`, context: "b" });
    assert.equal(b.server, "https://127.0.0.2:6443");
    assert.deepEqual(await b.headers(), {
      "impersonate-user": "alice",
      authorization: "Bearer from-file",
    });
    await assert.rejects(
      loadClusterAccess({ kubeconfig: `${dir}/config`, context: "zz" }),
      /context "zz" not found/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

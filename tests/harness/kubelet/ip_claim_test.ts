import assert from "node:assert/strict";
import { startCluster } from "../cluster.ts";
import { candidatePrefix, claimIpRange, invalidPrefix } from "./ip_claim.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function withDir(f: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "ip-claim-test-" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("invalidPrefix accepts /24s under 127/8 but the host's 127.0.0 and 127.0.1", () => {
  assert.equal(invalidPrefix("127.1.0"), undefined);
  assert.equal(invalidPrefix("127.254.255"), undefined);
  assert.match(invalidPrefix("127.0.0") ?? "", /reserved/);
  assert.match(invalidPrefix("127.0.1") ?? "", /reserved/);
  assert.match(invalidPrefix("10.0.0") ?? "", /three octets/);
  assert.match(invalidPrefix("127.256.0") ?? "", /three octets/);
  assert.equal(candidatePrefix(0), "127.1.0");
  assert.equal(candidatePrefix(257), "127.2.1");
  for (const i of [0, 1, 255, 256, 254 * 256 - 1]) {
    assert.equal(invalidPrefix(candidatePrefix(i)), undefined);
  }
});

Deno.test("two claims get different ranges, and a released one is free again", () =>
  withDir((dir) => {
    const a = claimIpRange({ dir });
    const b = claimIpRange({ dir });
    assert.equal(a.prefix, "127.1.0");
    assert.equal(b.prefix, "127.1.1");
    assert.equal(Deno.readTextFileSync(`${dir}/127.1.0.lock`).trim(), String(Deno.pid));
    assert.throws(
      () => claimIpRange({ dir, prefix: "127.1.1" }),
      new RegExp(`Cannot claim pod IP range "127\\.1\\.1\\.0/24": held by pid ${Deno.pid}`),
    );
    a.release();
    a.release();
    const c = claimIpRange({ dir });
    assert.equal(c.prefix, "127.1.0");
    b.release();
    c.release();
    assert.throws(() => claimIpRange({ dir, prefix: "127.0.0" }), /reserved for the host/);
  }));

Deno.test("a stale lock file (its pid gone, no lock held) is taken over", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/127.1.0.lock`, "999999999\n");
    const a = claimIpRange({ dir });
    assert.equal(a.prefix, "127.1.0");
    assert.equal(Deno.readTextFileSync(`${dir}/127.1.0.lock`).trim(), String(Deno.pid));
    a.release();
  }));

Deno.test("the range of a kill -9'd cluster process is claimable again", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", new URL("../../../deno.json", import.meta.url).pathname, MAIN],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  try {
    const deadline = Date.now() + 30_000;
    while (!/pod IPs: (\S+)\.0\/24/.test(out) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const prefix = /pod IPs: (\S+)\.0\/24/.exec(out)?.[1];
    assert.ok(prefix, `the cluster printed its range: ${out}`);
    assert.throws(() => claimIpRange({ prefix }), new RegExp(`held by pid ${child.pid}`));
    child.kill("SIGKILL");
    await child.status;
    const again = claimIpRange({ prefix });
    assert.equal(again.prefix, prefix);
    again.release();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await reader.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test("two clusters at once run on different pod-IP ranges", async () => {
  const a = await startCluster();
  try {
    const b = await startCluster();
    try {
      assert.notEqual(a.kubelet.podIpPrefix, b.kubelet.podIpPrefix);
      await assert.rejects(
        startCluster({ podIpPrefix: a.kubelet.podIpPrefix }),
        /Cannot claim pod IP range/,
      );
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
  }
});

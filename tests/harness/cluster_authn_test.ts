import assert from "node:assert/strict";
import { stringify } from "yaml";
import { until } from "./_testing.ts";
import { runKubectl, startCluster } from "./mod.ts";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function pod(name: string, spec: Record<string, unknown>, script: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      ...spec,
      containers: [{ name: "c", image: "busybox", command: ["sh", "-c", script] }],
    },
  };
}

Deno.test("a pod's mounted token is a pod-bound token of its ServiceAccount, void once the pod is gone", async () => {
  const cluster = await startCluster({ podIpPrefix: "127.0.6" });
  const home = await Deno.makeTempDir({ prefix: "harness-authn-home-" });
  const env = { ...cluster.env(), HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  const kubectl = async (args: string[], stdin?: string) => {
    const r = await runKubectl(args, { env, stdin });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  try {
    await kubectl(["create", "sa", "bot"]);
    const reader = pod(
      "reader",
      { serviceAccountName: "bot" },
      `cat ${SA_DIR}/token; echo; cat ${SA_DIR}/namespace; echo; exec sleep 60`,
    );
    const opted = pod(
      "opted-out",
      { automountServiceAccountToken: false },
      `test -f ${SA_DIR}/token && echo present || echo absent`,
    );
    await kubectl(["apply", "-f", "-"], [reader, opted].map((p) => stringify(p)).join("---\n"));
    const logs = await until(
      "the token in the pod's output",
      async () => {
        const r = await runKubectl(["logs", "reader"], { env });
        return r.code === 0 && r.stdout.split("\n").length >= 3 && r.stdout;
      },
      30000,
      200,
    );
    const [token, ns] = logs.split("\n");
    assert.equal(ns, "default");
    const uid = await kubectl(["get", "pod", "reader", "-o", "jsonpath={.metadata.uid}"]);
    const review = async () => {
      const doc = stringify({
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token },
      });
      return JSON.parse(await kubectl(["create", "-f", "-", "-o", "json"], doc)).status;
    };
    const st = await review();
    assert.equal(st.authenticated, true);
    assert.equal(st.user.username, "system:serviceaccount:default:bot");
    assert.deepEqual(st.user.extra["authentication.kubernetes.io/pod-name"], ["reader"]);
    assert.deepEqual(st.user.extra["authentication.kubernetes.io/pod-uid"], [uid]);
    assert.deepEqual(st.user.extra["authentication.kubernetes.io/node-name"], ["harness-node"]);
    const out = await until(
      "opted-out's output",
      async () => {
        const r = await runKubectl(["logs", "opted-out"], { env });
        return r.code === 0 && r.stdout.trim() && r.stdout;
      },
      30000,
      200,
    );
    assert.equal(out, "absent\n");
    await kubectl(["delete", "pod", "reader", "--wait=true", "--timeout=20s"]);
    assert.match(String((await review()).error), /pods "reader" not found/);
  } finally {
    await cluster.stop();
    await Deno.remove(home, { recursive: true });
  }
});

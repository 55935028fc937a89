import assert from "node:assert/strict";
import { Registry, typesFromCrd } from "./resources.ts";
import { buildTable, evalJsonPath, humanDuration, podStatus } from "./table.ts";

Deno.test("humanDuration() prints like kubectl", () => {
  assert.equal(humanDuration(5_000), "5s");
  assert.equal(humanDuration(150_000), "2m30s");
  assert.equal(humanDuration(45 * 60_000), "45m");
  assert.equal(humanDuration(5 * 3600_000 + 60_000), "5h1m");
  assert.equal(humanDuration(30 * 3600_000), "30h");
  assert.equal(humanDuration(50 * 86400_000), "50d");
});

Deno.test("evalJsonPath() reads simple paths, indexes and quoted keys", () => {
  const o = { status: { conditions: [{ type: "Ready" }], "a.b": 1 } };
  assert.equal(evalJsonPath(o, ".status.conditions[0].type"), "Ready");
  assert.equal(evalJsonPath(o, "{.status['a.b']}"), 1);
  assert.equal(evalJsonPath(o, ".status.nope.x"), undefined);
});

Deno.test("podStatus() follows kubectl for init, waiting, terminating and sidecars", () => {
  const base = {
    metadata: {},
    spec: { initContainers: [{ name: "i" }], containers: [{ name: "c" }] },
  };
  assert.equal(
    podStatus({
      ...base,
      status: { phase: "Pending", initContainerStatuses: [{ state: { running: {} } }] },
    }),
    "Init:0/1",
  );
  assert.equal(
    podStatus({
      ...base,
      status: {
        phase: "Pending",
        containerStatuses: [{ state: { waiting: { reason: "CrashLoopBackOff" } } }],
      },
    }),
    "CrashLoopBackOff",
  );
  assert.equal(
    podStatus({ metadata: { deletionTimestamp: "x" }, spec: {}, status: { phase: "Running" } }),
    "Terminating",
  );
  const sidecar = {
    metadata: {},
    spec: { initContainers: [{ name: "s", restartPolicy: "Always" }], containers: [{ name: "c" }] },
  };
  assert.equal(
    podStatus({
      ...sidecar,
      status: {
        phase: "Running",
        initContainerStatuses: [{ started: true, state: { running: {} } }],
        containerStatuses: [{ ready: true, state: { running: {} } }],
      },
    }),
    "Running",
  );
});

Deno.test("buildTable() gives pods Ready r/n with sidecars and wide columns at priority 1", () => {
  const reg = new Registry();
  const pods = reg.find("", "v1", "pods")!;
  const now = new Date("2026-01-01T00:01:00Z");
  const pod = {
    metadata: { name: "p", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: {
      nodeName: "n1",
      initContainers: [{ name: "s", restartPolicy: "Always" }],
      containers: [{ name: "c" }],
    },
    status: {
      phase: "Running",
      podIPs: [{ ip: "10.1.0.5" }],
      initContainerStatuses: [{
        name: "s",
        started: true,
        ready: true,
        restartCount: 1,
        state: { running: {} },
      }],
      containerStatuses: [{ name: "c", ready: true, restartCount: 2, state: { running: {} } }],
    },
  };
  const t = buildTable(pods, [pod], now) as {
    columnDefinitions: { name: string; priority: number }[];
    rows: { cells: unknown[] }[];
  };
  assert.deepEqual(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`), [
    "Name:0",
    "Ready:0",
    "Status:0",
    "Restarts:0",
    "Age:0",
    "IP:1",
    "Node:1",
  ]);
  assert.deepEqual(t.rows[0].cells, ["p", "2/2", "Running", "3", "60s", "10.1.0.5", "n1"]);
});

Deno.test("buildTable() prints CR additionalPrinterColumns with types and Age", () => {
  const [rt] = typesFromCrd({
    metadata: { name: "things.x.io" },
    spec: {
      group: "x.io",
      names: { kind: "Thing", plural: "things" },
      scope: "Namespaced",
      versions: [{
        name: "v1",
        served: true,
        additionalPrinterColumns: [
          { name: "Phase", type: "string", jsonPath: ".status.phase" },
          { name: "Count", type: "integer", jsonPath: ".spec.count" },
          { name: "Since", type: "date", jsonPath: ".status.since" },
        ],
      }],
    },
  });
  const now = new Date("2026-01-01T01:00:00Z");
  const t = buildTable(rt, [{
    metadata: { name: "t", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { count: 3 },
    status: { since: "2026-01-01T00:59:00Z" },
  }], now) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), [
    "Name",
    "Phase",
    "Count",
    "Since",
    "Age",
  ]);
  assert.deepEqual(t.rows[0].cells, ["t", null, 3, "60s", "60m"]);
});

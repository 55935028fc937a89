/**
 * Per-pool and per-server Prometheus series (unmcp's `/metrics`), read from the cache at scrape
 * time: `nmcp_server_running`, `nmcp_server_connections`, `nmcp_server_requests`
 * `{namespace,server,pool}` and `nmcp_pool_active|idle|pending|max_active` `{namespace,pool}`.
 *
 * @module
 */

import { Gauge, type Registry } from "prom-client";
import type { MCPPool, MCPServer } from "../lib/api/mod.ts";

/** What the series are read from (the cache's stores). */
export interface Inventory {
  servers: () => Iterable<MCPServer>;
  pools: () => Iterable<MCPPool>;
}

const RUNNING = new Set(["Ready", "Starting", "Degraded"]);
const SERVER_LABELS = ["namespace", "server", "pool"] as const;
const POOL_LABELS = ["namespace", "pool"] as const;

type ServerValue = (s: MCPServer) => number;
type PoolValue = (p: MCPPool) => number | undefined;

function serverGauge(
  registry: Registry,
  inv: Inventory,
  name: string,
  help: string,
  v: ServerValue,
) {
  return new Gauge({
    name,
    help,
    labelNames: SERVER_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of inv.servers()) {
        const labels = {
          namespace: s.metadata.namespace ?? "",
          server: s.metadata.name ?? "",
          pool: s.spec.pool ?? "default",
        };
        this.set(labels, v(s));
      }
    },
  });
}

function poolGauge(registry: Registry, inv: Inventory, name: string, help: string, v: PoolValue) {
  return new Gauge({
    name,
    help,
    labelNames: POOL_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of inv.pools()) {
        const value = v(p);
        if (value === undefined) continue;
        this.set({ namespace: p.metadata.namespace ?? "", pool: p.metadata.name ?? "" }, value);
      }
    },
  });
}

/** Registers the per-pool and per-server gauges in `registry`. */
export function registerInventoryMetrics(registry: Registry, inv: Inventory): void {
  serverGauge(
    registry,
    inv,
    "nmcp_server_running",
    "1 when the MCPServer runs",
    (s) => RUNNING.has(s.status?.phase ?? "") ? 1 : 0,
  );
  serverGauge(
    registry,
    inv,
    "nmcp_server_connections",
    "Open connections of the MCPServer",
    (s) => s.status?.currentConnections ?? 0,
  );
  serverGauge(
    registry,
    inv,
    "nmcp_server_requests",
    "Requests the MCPServer served",
    (s) => s.status?.totalRequests ?? 0,
  );
  poolGauge(
    registry,
    inv,
    "nmcp_pool_active",
    "Servers of the pool running",
    (p) => p.status?.active ?? 0,
  );
  poolGauge(
    registry,
    inv,
    "nmcp_pool_idle",
    "Running servers of the pool without sessions",
    (p) => p.status?.idle ?? 0,
  );
  poolGauge(
    registry,
    inv,
    "nmcp_pool_pending",
    "Servers of the pool waiting for a slot",
    (p) => p.status?.pending ?? 0,
  );
  poolGauge(
    registry,
    inv,
    "nmcp_pool_max_active",
    "The pool's maxActive (unset: absent)",
    (p) => p.spec.maxActive,
  );
}

/**
 * Test helpers: a started server with a private HOME for kubectl, and a kubectl runner.
 *
 * @module
 */

import { runKubectl, type RunResult } from "../kubectl.ts";
import { type ApiServer, startApiServer } from "./mod.ts";
import type { ApiError } from "./status.ts";

/** A server plus a temp HOME (kubectl's discovery cache stays private to the test). */
export interface TestCluster {
  server: ApiServer;
  home: string;
  /** Runs kubectl with the cluster's kubeconfig; `stdin` is piped in when given. */
  kubectl(args: string[], stdin?: string): Promise<RunResult>;
  /** Stops the server and removes HOME. */
  close(): Promise<void>;
}

/** Starts a server for one test. */
export async function startTestCluster(opts: { dataDir?: string } = {}): Promise<TestCluster> {
  const server = await startApiServer({ dataDir: opts.dataDir });
  const home = await Deno.makeTempDir({ prefix: "harness-home-" });
  return {
    server,
    home,
    kubectl(args, stdin) {
      const env = {
        KUBECONFIG: server.kubeconfigPath,
        HOME: home,
        PATH: Deno.env.get("PATH") ?? "",
      };
      return runKubectl(args, { env, stdin });
    },
    async close() {
      await server.stop();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value or `ms` elapse (then throws). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  ms = 5000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + ms;
  while (true) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Cannot wait for ${what}: still false after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The ApiError `f` throws (fails the test when it throws nothing). */
export function thrown(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error("Cannot check the error: the call did not throw");
}

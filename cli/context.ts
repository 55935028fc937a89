/** What every command receives: the global flags, the IO streams and a lazy API client. */

import type { IO } from "./io.ts";
import type { KubeFlags } from "./kube_flags.ts";
import type { Kube } from "./kube/client.ts";
import type { KubeClient } from "../lib/kube/mod.ts";

/** A connected client and the namespaces to use. */
export interface Session {
  kube: Kube;
  /** The REST client, for requests `kube` does not wrap (dry runs, warnings, logs). */
  client?: KubeClient;
  /** The namespace to read from; undefined under `-A`. */
  namespace: string | undefined;
  /** The namespace for writes and single-object reads. */
  defaultNamespace: string;
}

/** The context of one command run. */
export interface Context {
  flags: KubeFlags;
  io: IO;
  /** Loads the kubeconfig and makes a client (on first use). */
  connect(): Promise<Session>;
  /** The clock. */
  now(): Date;
}

/** Builds the default context: the kubeconfig and a client, loaded on first use. */
export function createContext(flags: KubeFlags, io: IO): Context {
  let session: Promise<Session> | undefined;
  return {
    flags,
    io,
    now: () => new Date(),
    connect() {
      session ??= (async () => {
        const [{ loadTarget }, { createKube }] = await Promise.all([
          import("./kube/target.ts"),
          import("./kube/client.ts"),
        ]);
        const target = await loadTarget(flags);
        return {
          kube: createKube(target.client, target.access),
          client: target.client,
          namespace: target.namespace,
          defaultNamespace: target.defaultNamespace,
        };
      })();
      return session;
    },
  };
}

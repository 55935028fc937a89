/** Test set-up of the HTTP handler: review fake, a Ready server, a fake gateway on its pod IP. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { type AccessSpec, type ReviewFake, startReviewFake } from "../auth/_review_fake.ts";
import type { Authenticator } from "../auth/authn.ts";
import {
  accessReviewAuthorizer,
  type Authorizer,
  tokenReviewAuthenticator,
} from "../auth/kubernetes.ts";
import { deriveServerToken, importTokenKey } from "../auth/server_token.ts";
import type { Pod } from "../build/types.ts";
import { GATEWAY_PORT } from "../build/pod.ts";
import { Cache } from "../controller/cache.ts";
import type { KubeClient } from "../../lib/kube/mod.ts";
import { createMetrics, type OperatorMetrics } from "../metrics.ts";
import { createHttpHandler } from "./http.ts";

/** What the fake gateway saw of one request. */
export interface Seen {
  path: string;
  headers: Headers;
  body: string;
}

/** A handler under test with everything it talks to. */
export interface Bed {
  handle: (req: Request) => Promise<Response>;
  reviews: ReviewFake;
  /** Requests the fake gateway received. */
  seen: Seen[];
  /** Management API writes (method path). */
  writes: string[];
  /** Log lines written. */
  logs: string[];
  metrics: OperatorMetrics;
  tokenOf(uid: string): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@linkcode startBed}. */
export interface BedOptions {
  allow?: (spec: AccessSpec) => boolean;
  /** Replace the Kubernetes authenticator/authorizer (e.g. `--auth none`). */
  auth?: { authenticators: Authenticator[]; authorizer: Authorizer };
}

/** Alice's token, known to the review fake. */
export const ALICE = "alice-token";

function recordingClient(writes: string[]): KubeClient {
  return {
    request(method: string, path: string, opts?: { body?: unknown }) {
      writes.push(`${method} ${path}`);
      return Promise.resolve(method === "POST" ? opts?.body : {});
    },
    stream: () => Promise.reject(new Error("no watch in handler tests")),
    send: () => Promise.reject(new Error("no raw requests in handler tests")),
    close() {},
  } as KubeClient;
}

function readyServer(ns: string, name: string, ip: string): { server: MCPServer; pod: Pod } {
  const podName = `${name}-1`;
  const server: MCPServer = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, resourceVersion: "1" },
    spec: { image: "img" },
    status: { phase: "Ready", podName },
  };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: podName, namespace: ns, labels: { "nmcp.nwrx.io/server": name } },
    spec: { containers: [] },
    status: { podIP: ip, conditions: [{ type: "Ready", status: "True" }] },
  } as Pod;
  return { server, pod };
}

function fakeGateway(seen: Seen[]): { ip: string; server: Deno.HttpServer } {
  const ip = `127.77.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const server = Deno.serve({ hostname: ip, port: GATEWAY_PORT, onListen() {} }, async (req) => {
    seen.push({ path: new URL(req.url).pathname, headers: req.headers, body: await req.text() });
    return Response.json({ jsonrpc: "2.0", id: 1, result: {} });
  });
  return { ip, server };
}

/** Starts a handler with servers `team-a/ev` and `team-b/ev` Ready on a fake gateway. */
export async function startBed(opts: BedOptions = {}): Promise<Bed> {
  const reviews = startReviewFake({
    users: { [ALICE]: { username: "alice", uid: "alice-uid", groups: ["devs"] } },
    allow: opts.allow,
  });
  const reviewClient = reviews.client();
  const seen: Seen[] = [];
  const writes: string[] = [];
  const logs: string[] = [];
  const gw = fakeGateway(seen);
  const client = recordingClient(writes);
  const log = createLogger({}, { level: "debug", write: (l) => logs.push(l) });
  const cache = new Cache(client, { log });
  for (const ns of ["team-a", "team-b"]) {
    const { server, pod } = readyServer(ns, "ev", gw.ip);
    cache.servers.upsert(server);
    cache.pods.upsert(pod);
  }
  const key = await importTokenKey(new Uint8Array(32).fill(9));
  const tokenOf = (uid: string) => deriveServerToken(key, uid);
  const metrics = createMetrics(() => ({}), () => 0);
  const auth = opts.auth ?? {
    authenticators: [tokenReviewAuthenticator(reviewClient)],
    authorizer: accessReviewAuthorizer(reviewClient),
  };
  const handle = createHttpHandler({
    client,
    cache,
    log,
    metrics,
    serverToken: (s) => tokenOf(s.metadata.uid!),
    wakeTimeoutMs: 100,
    ...auth,
  });
  return {
    handle,
    reviews,
    seen,
    writes,
    logs,
    metrics,
    tokenOf,
    async close() {
      reviewClient.close();
      await reviews.stop();
      await gw.server.shutdown();
    },
  };
}

/** A request with alice's token (or `token`) and extra headers. */
export function req(
  method: string,
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: BodyInit } = {},
): Request {
  const headers = new Headers(opts.headers);
  const token = opts.token === undefined ? ALICE : opts.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return new Request(`http://op${path}`, { method, headers, body: opts.body });
}

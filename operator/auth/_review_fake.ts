/**
 * Test helper: a loopback HTTP server that answers `TokenReview` and `SubjectAccessReview`
 * like the API server (users by token, decisions by a callback), and optionally forwards
 * every other request to a real API server (the harness) so an operator process can run
 * against it unchanged.
 *
 * @module
 */

import { createKubeClient, type KubeClient } from "../../lib/kube/mod.ts";

/** A user as TokenReview reports it. */
export interface FakeUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The spec of a SubjectAccessReview the fake received. */
export interface AccessSpec {
  user: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  resourceAttributes?: Record<string, string>;
  nonResourceAttributes?: { verb: string; path: string };
}

/** Options of {@linkcode startReviewFake}. */
export interface ReviewFakeOptions {
  /** Tokens the fake accepts and who they are. */
  users: Record<string, FakeUser>;
  /** Decides a SubjectAccessReview. Default: deny. */
  allow?: (spec: AccessSpec) => boolean | { allowed: boolean; reason?: string };
  /** Forward other requests to this API server. */
  upstream?: { url: string; caPem?: string };
}

/** A running fake. */
export interface ReviewFake {
  url: string;
  /** How many TokenReviews were answered. */
  tokenReviews: number;
  /** The SubjectAccessReviews received, in order. */
  accessReviews: AccessSpec[];
  /** A KubeClient talking to the fake. */
  client(): KubeClient;
  stop(): Promise<void>;
}

function review(kind: string, apiVersion: string, spec: unknown, status: unknown): Response {
  return Response.json({ kind, apiVersion, spec, status }, { status: 201 });
}

/** Starts the fake on 127.0.0.1. */
export function startReviewFake(opts: ReviewFakeOptions): ReviewFake {
  const upstream = opts.upstream;
  const http = upstream
    ? Deno.createHttpClient({ caCerts: upstream.caPem ? [upstream.caPem] : [] })
    : undefined;
  const forward = (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.delete("host");
    const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
    return fetch(upstream!.url.replace(/\/$/, "") + url.pathname + url.search, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      client: http,
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/apis/authentication.k8s.io/v1/tokenreviews") {
      const { spec } = await req.json() as { spec: { token: string } };
      fake.tokenReviews++;
      const user = opts.users[spec.token];
      const status = user
        ? {
          authenticated: true,
          user: { ...user, groups: [...user.groups ?? [], "system:authenticated"] },
        }
        : { authenticated: false, error: "invalid bearer token" };
      return review("TokenReview", "authentication.k8s.io/v1", spec, status);
    }
    if (req.method === "POST" && path === "/apis/authorization.k8s.io/v1/subjectaccessreviews") {
      const { spec } = await req.json() as { spec: AccessSpec };
      fake.accessReviews.push(spec);
      const d = opts.allow?.(spec) ?? false;
      const status = typeof d === "boolean" ? { allowed: d } : d;
      return review("SubjectAccessReview", "authorization.k8s.io/v1", spec, status);
    }
    if (upstream) return await forward(req);
    return Response.json({ kind: "Status", code: 404, message: "not found" }, { status: 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const fake: ReviewFake = {
    url,
    tokenReviews: 0,
    accessReviews: [],
    client: () => createKubeClient({ server: url, headers: () => Promise.resolve({}) }),
    async stop() {
      await server.shutdown();
      http?.close();
    },
  };
  return fake;
}

/**
 * The HTTP handler: authentication (authn.ts), discovery, OpenAPI, and the resource verbs
 * mapped to {@linkcode Api}, with Tables, watches, warnings and `Status` errors.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import type { Logger } from "../../../lib/log.ts";
import type { PodStreamHandler, PodStreamSubresource, StoredPod } from "../contract.ts";
import { parseFieldValidation } from "./admit.ts";
import { Api, type WriteOptions } from "./api.ts";
import type { Authenticator } from "./authn.ts";
import { bindPod } from "./binding.ts";
import { handleScale } from "./scale.ts";
import { checkFieldSelector } from "./field_labels.ts";
import {
  aggregated,
  AGGREGATED_CONTENT_TYPE,
  apiGroup,
  apiGroupList,
  apiVersions,
  resourceList,
  versionInfo,
  wantsAggregated,
} from "./discovery.ts";
import { openApiDoc, openApiIndex } from "./openapi.ts";
import { isObj, type Obj } from "./patch.ts";
import { decodeK8sProtobuf, isK8sProtobuf } from "./protobuf.ts";
import { apiVersionOf, type ResourceType } from "./resources.ts";
import { answerReview, isReviewType } from "./access_review.ts";
import type { UserInfo } from "./authz.ts";
import { checkRbacWrite, isRbacKind } from "./escalation.ts";
import { storeRbac } from "./rbac_rules.ts";
import { authorizeRequest } from "./request_authz.ts";
import { parseResourcePath, type ResourcePath } from "./routes.ts";
import { queryBool } from "./query_bool.ts";
import { ApiError, badRequest, errorResponse, methodNotAllowed, toApiError } from "./status.ts";
import { buildTable, wantsTable } from "./table.ts";
import { tokenEndpoint } from "./token_api.ts";
import { parseGoDuration, parseTimeout, type WatchHub, watchResponse } from "./watch.ts";

/** What the handler needs. */
export interface HandlerDeps {
  /** Where internal errors (500) and controller failures are reported. */
  log?: Logger;
  api: Api;
  hub: WatchHub;
  /** Who a request's bearer token is (401 when nobody). */
  authn: Authenticator;
  host: () => string;
  streamHandler: () => PodStreamHandler | undefined;
}

const STREAMING = new Set(["log", "exec", "attach", "portforward"]);

function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  if (!h.has("content-type")) h.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: h });
}

function notFoundPath(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
}

async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("protobuf")) {
    const bytes = new Uint8Array(await req.arrayBuffer());
    try {
      if (!isK8sProtobuf(bytes)) throw new RangeError("missing the k8s protobuf prefix");
      return decodeK8sProtobuf(bytes);
    } catch (e) {
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${
          (e as Error).message
        })`,
      );
    }
  }
  const text = await req.text();
  if (text.trim() === "") return undefined;
  try {
    return type.includes("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body could not be decoded: ${(e as Error).message}`);
  }
}

function discovery(deps: HandlerDeps, req: Request, path: string): Response | undefined {
  const reg = deps.api.registry;
  const accept = req.headers.get("accept");
  if (path === "/version") return json(versionInfo());
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    return new Response("ok", { headers: { "content-type": "text/plain" } });
  }
  if (path === "/api" || path === "/apis") {
    if (wantsAggregated(accept)) {
      return json(aggregated(reg, path === "/api"), 200, {
        "content-type": AGGREGATED_CONTENT_TYPE,
      });
    }
    return json(path === "/api" ? apiVersions(deps.host()) : apiGroupList(reg));
  }
  if (path === "/openapi/v3") return json(openApiIndex(reg));
  const oa = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (oa) {
    const doc = oa[1] ? openApiDoc(reg, "", oa[1]) : openApiDoc(reg, oa[2], oa[3]);
    if (!doc) throw notFoundPath();
    return json(doc);
  }
  const gv = /^\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (gv) {
    const list = gv[1] ? resourceList(reg, "", gv[1]) : resourceList(reg, gv[2], gv[3]);
    if (!list) throw notFoundPath();
    return json(list);
  }
  const g = /^\/apis\/([^/]+)$/.exec(path);
  if (g) {
    const group = apiGroup(reg, g[1]);
    if (!group) throw notFoundPath();
    return json(group);
  }
  return undefined;
}

function writeOptions(q: URLSearchParams, req: Request, sub?: string): WriteOptions {
  const ua = req.headers.get("user-agent") ?? "unknown";
  return {
    dryRun: q.getAll("dryRun").includes("All"),
    fieldManager: q.get("fieldManager") ?? ua.split("/")[0],
    fieldValidation: parseFieldValidation(q.get("fieldValidation")),
    subresource: sub === "status" ? "status" : undefined,
    force: queryBool(q, "force"),
  };
}

function withWarnings(body: unknown, status: number, warnings: string[]): Response {
  const h = new Headers({ "content-type": "application/json" });
  for (const w of warnings) h.append("warning", `299 - ${JSON.stringify(w)}`);
  return new Response(JSON.stringify(body), { status, headers: h });
}

function output(
  deps: HandlerDeps,
  req: Request,
  rt: ResourceType,
  obj: Obj,
  status = 200,
  warnings: string[] = [],
) {
  if (wantsTable(req.headers.get("accept"))) {
    return withWarnings(
      buildTable(rt, [obj], deps.api.now(), {
        resourceVersion: (obj.metadata as Obj).resourceVersion,
      }),
      status,
      warnings,
    );
  }
  return withWarnings(obj, status, warnings);
}

function list(
  deps: HandlerDeps,
  req: Request,
  rt: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
) {
  checkFieldSelector(rt, q.get("fieldSelector") ?? undefined);
  if (queryBool(q, "watch")) {
    return watchResponse(deps.api, deps.hub, rt, {
      namespace: ns,
      resourceVersion: q.get("resourceVersion") ?? undefined,
      labelSelector: q.get("labelSelector") ?? undefined,
      fieldSelector: q.get("fieldSelector") ?? undefined,
      timeoutSeconds: parseTimeout(q.get("timeoutSeconds")) ?? parseGoDuration(q.get("timeout")),
      allowWatchBookmarks: queryBool(q, "allowWatchBookmarks"),
      table: wantsTable(req.headers.get("accept")),
    });
  }
  const limit = q.get("limit") ? Number(q.get("limit")) : undefined;
  const res = deps.api.list(rt, ns, {
    labelSelector: q.get("labelSelector") ?? undefined,
    fieldSelector: q.get("fieldSelector") ?? undefined,
    limit,
    continue: q.get("continue") ?? undefined,
  });
  const meta: Obj = { resourceVersion: res.resourceVersion };
  if (res.continue) meta.continue = res.continue;
  if (res.remainingItemCount !== undefined) meta.remainingItemCount = res.remainingItemCount;
  if (wantsTable(req.headers.get("accept"))) {
    return json(buildTable(rt, res.items, deps.api.now(), meta));
  }
  return json({
    kind: rt.listKind,
    apiVersion: apiVersionOf(rt),
    metadata: meta,
    items: res.items,
  });
}

async function stream(deps: HandlerDeps, req: Request, rt: ResourceType, p: ResourcePath) {
  if (rt.crd || rt.group !== "" || rt.plural !== "pods" || !p.name) throw notFoundPath();
  const pod = deps.api.get(rt, p.namespace, p.name) as unknown as StoredPod;
  const h = deps.streamHandler();
  if (!h) {
    throw new ApiError(503, "ServiceUnavailable", `no kubelet is serving pods/${p.subresource}`);
  }
  return await h(req, pod, p.subresource as PodStreamSubresource);
}

async function deleteOne(
  deps: HandlerDeps,
  req: Request,
  rt: ResourceType,
  p: ResourcePath,
  q: URLSearchParams,
) {
  const body = await readBody(req);
  const opts = isObj(body) ? body : {};
  const grace = q.get("gracePeriodSeconds") ?? opts.gracePeriodSeconds;
  const obj = deps.api.delete(rt, p.namespace, p.name!, {
    propagationPolicy: (q.get("propagationPolicy") ?? opts.propagationPolicy) as string | undefined,
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    dryRun: q.getAll("dryRun").includes("All") ||
      (Array.isArray(opts.dryRun) && opts.dryRun.includes("All")),
    preconditions: isObj(opts.preconditions) ? opts.preconditions as { uid?: string } : undefined,
  });
  return json(obj);
}

function deleteCollection(
  deps: HandlerDeps,
  rt: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
) {
  const res = deps.api.list(rt, ns, {
    labelSelector: q.get("labelSelector") ?? undefined,
    fieldSelector: q.get("fieldSelector") ?? undefined,
  });
  const items = res.items.map((o) =>
    deps.api.delete(
      rt,
      (o.metadata as Obj).namespace as string | undefined,
      String((o.metadata as Obj).name),
      {},
    )
  );
  return json({
    kind: rt.listKind,
    apiVersion: apiVersionOf(rt),
    metadata: { resourceVersion: String(deps.api.store.rv) },
    items,
  });
}

/** The kinds and subresources with handlers of their own: reviews, streams, binding, scale. */
async function special(
  deps: HandlerDeps,
  req: Request,
  rt: ResourceType,
  p: ResourcePath,
  user: UserInfo,
): Promise<Response | undefined> {
  const ns = rt.namespaced ? p.namespace : undefined;
  const sub = p.subresource;
  if (isReviewType(rt)) {
    if (req.method !== "POST" || p.name) throw methodNotAllowed();
    return json(answerReview(storeRbac(deps.api.store), user, rt, ns, await readBody(req)), 201);
  }
  if (sub && STREAMING.has(sub)) return await stream(deps, req, rt, p);
  // authentication.k8s.io: TokenRequest (serviceaccounts/token), TokenReview, SelfSubjectReview
  const token = tokenEndpoint(deps, req, rt, p);
  if (token) return json(await token(await readBody(req)), 201);
  if (sub === "binding" && req.method === "POST" && !rt.crd && rt.plural === "pods" && p.name) {
    const r = bindPod(deps.api, rt, ns, p.name, await readBody(req));
    return json(r, 201);
  }
  if (sub === "scale" && !rt.crd && rt.kind === "Deployment" && p.name) {
    const body = req.method === "GET" ? undefined : await readBody(req);
    const contentType = req.headers.get("content-type") ?? "";
    return json(handleScale(deps.api, rt, ns, p.name, { method: req.method, contentType, body }));
  }
  return undefined;
}

/** POST, PUT or PATCH of an object; RBAC kinds first pass the escalation check. */
async function write(
  deps: HandlerDeps,
  req: Request,
  rt: ResourceType,
  p: ResourcePath,
  user: UserInfo,
): Promise<Response> {
  const ns = rt.namespaced ? p.namespace : undefined;
  const q = new URL(req.url).searchParams;
  const body = await readBody(req);
  const guard = (obj: unknown) => {
    if (isObj(obj)) checkRbacWrite(storeRbac(deps.api.store), user, rt, ns, obj, p.name);
  };
  if (req.method === "POST") {
    guard(body);
    const r = deps.api.create(rt, ns, body, writeOptions(q, req));
    return output(deps, req, rt, r.obj, 201, r.warnings);
  }
  const opts = writeOptions(q, req, p.subresource);
  if (req.method === "PUT") {
    guard(body);
    const r = deps.api.update(rt, ns, p.name!, body, opts);
    return output(deps, req, rt, r.obj, 200, r.warnings);
  }
  const type = req.headers.get("content-type") ?? "";
  if (isRbacKind(rt)) {
    guard(deps.api.patch(rt, ns, p.name!, type, body, { ...opts, dryRun: true }).obj);
  }
  const r = deps.api.patch(rt, ns, p.name!, type, body, opts);
  return output(deps, req, rt, r.obj, r.created ? 201 : 200, r.warnings);
}

async function resource(
  deps: HandlerDeps,
  req: Request,
  url: URL,
  p: ResourcePath,
  user: UserInfo,
): Promise<Response> {
  const rt = deps.api.registry.find(p.group, p.version, p.plural);
  if (!rt) throw notFoundPath();
  if (!rt.namespaced && p.namespace) throw notFoundPath();
  const q = url.searchParams;
  const ns = rt.namespaced ? p.namespace : undefined;
  const sub = p.subresource;
  const s = await special(deps, req, rt, p, user);
  if (s) return s;
  if (sub && (sub !== "status" || !rt.status)) throw notFoundPath();
  const m = req.method;
  if (!p.name) {
    if (m === "GET") return list(deps, req, rt, ns, q);
    if (m === "POST") return await write(deps, req, rt, p, user);
    if (m === "DELETE") return deleteCollection(deps, rt, ns, q);
    throw methodNotAllowed();
  }
  if (m === "GET") return output(deps, req, rt, deps.api.get(rt, ns, p.name));
  if (m === "PUT" || m === "PATCH") return await write(deps, req, rt, p, user);
  if (m === "DELETE") return await deleteOne(deps, req, rt, p, q);
  throw methodNotAllowed();
}

/** Builds the request handler of the API server. */
export function createHandler(deps: HandlerDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    try {
      const requester = await deps.authn.authenticate(req);
      if (!requester) throw new ApiError(401, "Unauthorized", "Unauthorized");
      // Authorization: impersonation, then RBAC on the request's attributes.
      const user = authorizeRequest(storeRbac(deps.api.store), req, url, requester);
      const d = discovery(deps, req, url.pathname.replace(/\/$/, "") || "/");
      if (d) return d;
      const p = parseResourcePath(url.pathname);
      if (!p) throw notFoundPath();
      return await resource(deps, req, url, p, user);
    } catch (e) {
      const err = toApiError(e);
      if (err.code >= 500 && err.code !== 503) {
        deps.log?.warn("request failed", {
          method: req.method,
          path: url.pathname,
          error: String(e),
        });
      }
      return errorResponse(err);
    }
  };
}

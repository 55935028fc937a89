import assert from "node:assert/strict";
import { type Attributes, compoundChecks, forbidden, requestAttributes } from "./authz.ts";
import { statusBody } from "./status.ts";

const U = "https://127.0.0.1:6443";
/** method path → "verb group/resource[/sub] ns name" (or "verb path" for non-resource). */
const CASES: [string, string, string][] = [
  ["GET", "/api/v1/namespaces/default/pods", "list /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=true", "watch /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=1", "watch /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=True", "watch /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=yes", "watch /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=", "watch /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=false", "list /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=FALSE", "list /pods default -"],
  ["GET", "/api/v1/namespaces/default/pods?watch=0", "list /pods default -"],
  ["GET", "/api/v1/pods?fieldSelector=metadata.name%3Dp&watch=true", "watch /pods - p"],
  ["GET", "/api/v1/pods?fieldSelector=metadata.name%3D%3Dp,spec.nodeName%3Dn", "list /pods - p"],
  ["GET", "/api/v1/pods?fieldSelector=metadata.name!%3Dp", "list /pods - -"],
  ["GET", "/api/v1/namespaces/default/pods/p", "get /pods default p"],
  ["HEAD", "/api/v1/namespaces/default/pods/p", "get /pods default p"],
  ["GET", "/api/v1/namespaces/default/pods/p?watch=true", "get /pods default p"],
  ["GET", "/api/v1/namespaces/default/pods/p/log", "get /pods/log default p"],
  ["GET", "/api/v1/namespaces/default/pods/p/exec?command=sh", "get /pods/exec default p"],
  ["POST", "/api/v1/namespaces/default/pods/p/portforward", "create /pods/portforward default p"],
  ["POST", "/api/v1/namespaces/default/pods/p/binding", "create /pods/binding default p"],
  ["POST", "/api/v1/namespaces/default/pods", "create /pods default -"],
  ["PUT", "/api/v1/namespaces/default/pods/p", "update /pods default p"],
  ["PATCH", "/api/v1/namespaces/default/pods/p/status", "patch /pods/status default p"],
  ["DELETE", "/api/v1/namespaces/default/pods/p", "delete /pods default p"],
  ["DELETE", "/api/v1/namespaces/default/pods", "deletecollection /pods default -"],
  ["GET", "/api/v1/namespaces", "list /namespaces - -"],
  ["GET", "/api/v1/namespaces/default", "get /namespaces default default"],
  ["PUT", "/api/v1/namespaces/default/status", "update /namespaces/status default default"],
  ["PUT", "/api/v1/namespaces/x/finalize", "update /namespaces/finalize x x"],
  ["GET", "/api/v1/nodes/n", "get /nodes - n"],
  ["GET", "/api/v1/watch/namespaces/d/pods", "watch /pods d -"],
  ["GET", "/apis/apps/v1/namespaces/d/deployments/w/scale", "get apps/deployments/scale d w"],
  [
    "GET",
    "/apis/nmcp.nwrx.io/v1/namespaces/d/mcpservers/s/connect",
    "get nmcp.nwrx.io/mcpservers/connect d s",
  ],
  [
    "POST",
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    "create authorization.k8s.io/selfsubjectaccessreviews - -",
  ],
  ["GET", "/version", "get /version"],
  ["GET", "/api", "get /api"],
  ["GET", "/api/v1", "get /api/v1"],
  ["GET", "/apis/apps", "get /apis/apps"],
  ["GET", "/apis/apps/v1", "get /apis/apps/v1"],
  ["GET", "/openapi/v3/apis/apps/v1", "get /openapi/v3/apis/apps/v1"],
  ["POST", "/healthz", "post /healthz"],
];

function show(a: Attributes): string {
  if (!a.resourceRequest) return `${a.verb} ${a.path}`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return `${a.verb} ${a.apiGroup}/${res} ${a.namespace || "-"} ${a.name || "-"}`;
}

Deno.test("requestAttributes() derives verb, group, resource, namespace and name like RequestInfo", () => {
  const got = CASES.map(([m, p]) => show(requestAttributes(m, new URL(U + p))));
  assert.deepEqual(got, CASES.map(([, , want]) => want));
});

Deno.test("compoundChecks() adds create to WebSocket gets of exec, attach and portforward only", () => {
  const of = (m: string, p: string) =>
    compoundChecks(requestAttributes(m, new URL(U + p))).map(show);
  const pod = "/api/v1/namespaces/d/pods/p";
  assert.deepEqual(of("GET", `${pod}/exec`), ["create /pods/exec d p"]);
  assert.deepEqual(of("GET", `${pod}/attach`), ["create /pods/attach d p"]);
  assert.deepEqual(of("GET", `${pod}/portforward`), ["create /pods/portforward d p"]);
  assert.deepEqual(of("POST", `${pod}/portforward`), []);
  assert.deepEqual(of("GET", `${pod}/log`), []);
  assert.deepEqual(of("GET", "/apis/x.io/v1/namespaces/d/pods/p/exec"), []);
});

Deno.test("forbidden() words the 403 like the API server, with name, scope and reason", () => {
  const alice = { username: "alice", groups: ["system:authenticated"] };
  const msg = (m: string, p: string, reason?: string) =>
    forbidden(alice, requestAttributes(m, new URL(U + p)), reason).message;
  assert.equal(
    msg("GET", "/api/v1/namespaces/default/pods"),
    'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
  );
  assert.equal(
    msg("GET", "/api/v1/namespaces/default/pods/p"),
    'pods "p" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"',
  );
  assert.equal(
    msg("GET", "/api/v1/nodes"),
    'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope',
  );
  assert.equal(
    msg("GET", "/apis/nmcp.nwrx.io/v1/namespaces/d/mcpservers/s/connect"),
    'mcpservers.nmcp.nwrx.io "s" is forbidden: User "alice" cannot get resource "mcpservers/connect" in API group "nmcp.nwrx.io" in the namespace "d"',
  );
  assert.equal(msg("GET", "/foo"), 'forbidden: User "alice" cannot get path "/foo"');
  assert.equal(
    msg("GET", "/api/v1/namespaces/d/pods", 'RBAC: role.rbac.authorization.k8s.io "r" not found'),
    'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "d": RBAC: role.rbac.authorization.k8s.io "r" not found',
  );
  const body = statusBody(
    forbidden(
      alice,
      requestAttributes("GET", new URL(`${U}/apis/apps/v1/namespaces/d/deployments/w`)),
    ),
  );
  assert.equal(body.code, 403);
  assert.equal(body.reason, "Forbidden");
  assert.deepEqual(body.details, { name: "w", group: "apps", kind: "deployments" });
  const path = statusBody(forbidden(alice, requestAttributes("GET", new URL(`${U}/x`))));
  assert.deepEqual(path.details, {});
});

/**
 * Decoding of the Kubernetes protobuf envelope for the few kinds kubectl's generators send
 * as protobuf (`kubectl create configmap|secret|namespace|serviceaccount|deployment|service`,
 * `kubectl run`, `kubectl create role|clusterrole|rolebinding|clusterrolebinding`,
 * `kubectl auth can-i`, `kubectl create token`'s TokenRequest, `kubectl auth whoami`; TokenReview
 * too). Only the fields those commands set are mapped; the rest is ignored.
 *
 * @module
 */

import type { Obj } from "./patch.ts";

type Scalar = "string" | "bytes" | "int" | "bool" | "time" | "intorstr";
/** Map values: a string, bytes, or an `ExtraValue` (a message wrapping repeated strings). */
type MapValue = "string" | "bytes" | "strings";
type Field = [name: string, type: Scalar | Desc, repeated?: boolean] | [
  name: string,
  type: "map",
  value: MapValue,
];
/** A message descriptor: field number → field. */
type Desc = { [n: number]: Field };

const TIME: Desc = { 1: ["seconds", "int"], 2: ["nanos", "int"] };
const OWNER: Desc = {
  1: ["kind", "string"],
  3: ["name", "string"],
  4: ["uid", "string"],
  5: ["apiVersion", "string"],
  6: ["controller", "bool"],
  7: ["blockOwnerDeletion", "bool"],
};
const META: Desc = {
  1: ["name", "string"],
  2: ["generateName", "string"],
  3: ["namespace", "string"],
  11: ["labels", "map", "string"],
  12: ["annotations", "map", "string"],
  13: ["ownerReferences", OWNER, true],
  14: ["finalizers", "string", true],
};
const NAME_REF: Desc = { 1: ["name", "string"] };
const PORT: Desc = {
  1: ["name", "string"],
  2: ["hostPort", "int"],
  3: ["containerPort", "int"],
  4: ["protocol", "string"],
};
const ENV: Desc = { 1: ["name", "string"], 2: ["value", "string"] };
const CONTAINER: Desc = {
  1: ["name", "string"],
  2: ["image", "string"],
  3: ["command", "string", true],
  4: ["args", "string", true],
  5: ["workingDir", "string"],
  6: ["ports", PORT, true],
  7: ["env", ENV, true],
  14: ["imagePullPolicy", "string"],
  16: ["stdin", "bool"],
  17: ["stdinOnce", "bool"],
  18: ["tty", "bool"],
};
const POD_SPEC: Desc = {
  2: ["containers", CONTAINER, true],
  3: ["restartPolicy", "string"],
  4: ["terminationGracePeriodSeconds", "int"],
  6: ["dnsPolicy", "string"],
  7: ["nodeSelector", "map", "string"],
  8: ["serviceAccountName", "string"],
  10: ["nodeName", "string"],
  15: ["imagePullSecrets", NAME_REF, true],
  20: ["initContainers", CONTAINER, true],
};
const SELECTOR: Desc = {
  1: ["matchLabels", "map", "string"],
  2: ["matchExpressions", {
    1: ["key", "string"],
    2: ["operator", "string"],
    3: ["values", "string", true],
  }, true],
};
const TEMPLATE: Desc = { 1: ["metadata", META], 2: ["spec", POD_SPEC] };
const STRATEGY: Desc = {
  1: ["type", "string"],
  2: ["rollingUpdate", { 1: ["maxUnavailable", "intorstr"], 2: ["maxSurge", "intorstr"] }],
};
const SVC_PORT: Desc = {
  1: ["name", "string"],
  2: ["protocol", "string"],
  3: ["port", "int"],
  4: ["targetPort", "intorstr"],
  5: ["nodePort", "int"],
};

// authentication.k8s.io/v1 (k8s.io/api authentication/v1 generated.proto)
const BOUND_REF: Desc = {
  1: ["kind", "string"],
  2: ["apiVersion", "string"],
  3: ["name", "string"],
  4: ["uid", "string"],
};
const TOKEN_REQUEST_SPEC: Desc = {
  1: ["audiences", "string", true],
  3: ["boundObjectRef", BOUND_REF],
  4: ["expirationSeconds", "int"],
};
const TOKEN_REVIEW_SPEC: Desc = { 1: ["token", "string"], 2: ["audiences", "string", true] };
const POLICY_RULE: Desc = {
  1: ["verbs", "string", true],
  2: ["apiGroups", "string", true],
  3: ["resources", "string", true],
  4: ["resourceNames", "string", true],
  5: ["nonResourceURLs", "string", true],
};
const SUBJECT: Desc = {
  1: ["kind", "string"],
  2: ["apiGroup", "string"],
  3: ["name", "string"],
  4: ["namespace", "string"],
};
const ROLE_REF: Desc = { 1: ["apiGroup", "string"], 2: ["kind", "string"], 3: ["name", "string"] };
const BINDING: Desc = {
  1: ["metadata", META],
  2: ["subjects", SUBJECT, true],
  3: ["roleRef", ROLE_REF],
};
const RESOURCE_ATTRIBUTES: Desc = {
  1: ["namespace", "string"],
  2: ["verb", "string"],
  3: ["group", "string"],
  4: ["version", "string"],
  5: ["resource", "string"],
  6: ["subresource", "string"],
  7: ["name", "string"],
};
const NON_RESOURCE_ATTRIBUTES: Desc = { 1: ["path", "string"], 2: ["verb", "string"] };
const SAR_SPEC: Desc = {
  1: ["resourceAttributes", RESOURCE_ATTRIBUTES],
  2: ["nonResourceAttributes", NON_RESOURCE_ATTRIBUTES],
  3: ["user", "string"],
  4: ["groups", "string", true],
  5: ["extra", "map", "strings"],
  6: ["uid", "string"],
};
const SAR: Desc = { 1: ["metadata", META], 2: ["spec", SAR_SPEC] };

/** Descriptors of the top-level kinds, by kind. */
const KINDS: Record<string, Desc> = {
  TokenRequest: { 1: ["metadata", META], 2: ["spec", TOKEN_REQUEST_SPEC] },
  TokenReview: { 1: ["metadata", META], 2: ["spec", TOKEN_REVIEW_SPEC] },
  SelfSubjectReview: { 1: ["metadata", META] },
  ConfigMap: {
    1: ["metadata", META],
    2: ["data", "map", "string"],
    3: ["binaryData", "map", "bytes"],
    4: ["immutable", "bool"],
  },
  Secret: {
    1: ["metadata", META],
    2: ["data", "map", "bytes"],
    3: ["type", "string"],
    4: ["stringData", "map", "string"],
    5: ["immutable", "bool"],
  },
  Namespace: { 1: ["metadata", META], 2: ["spec", { 1: ["finalizers", "string", true] }] },
  ServiceAccount: {
    1: ["metadata", META],
    3: ["imagePullSecrets", NAME_REF, true],
    4: ["automountServiceAccountToken", "bool"],
  },
  Pod: { 1: ["metadata", META], 2: ["spec", POD_SPEC] },
  Deployment: {
    1: ["metadata", META],
    2: ["spec", {
      1: ["replicas", "int"],
      2: ["selector", SELECTOR],
      3: ["template", TEMPLATE],
      4: ["strategy", STRATEGY],
    }],
  },
  Service: {
    1: ["metadata", META],
    2: ["spec", {
      1: ["ports", SVC_PORT, true],
      2: ["selector", "map", "string"],
      3: ["clusterIP", "string"],
      4: ["type", "string"],
      10: ["externalName", "string"],
    }],
  },
  Role: { 1: ["metadata", META], 2: ["rules", POLICY_RULE, true] },
  ClusterRole: {
    1: ["metadata", META],
    2: ["rules", POLICY_RULE, true],
    3: ["aggregationRule", { 1: ["clusterRoleSelectors", SELECTOR, true] }],
  },
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  SubjectAccessReview: SAR,
  LocalSubjectAccessReview: SAR,
  SelfSubjectAccessReview: {
    1: ["metadata", META],
    2: ["spec", {
      1: ["resourceAttributes", RESOURCE_ATTRIBUTES],
      2: ["nonResourceAttributes", NON_RESOURCE_ATTRIBUTES],
    }],
  },
  SelfSubjectRulesReview: { 1: ["metadata", META], 2: ["spec", { 1: ["namespace", "string"] }] },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): bigint {
    let v = 0n, shift = 0n;
    while (this.pos < this.end) {
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
    throw new RangeError("Cannot read varint: truncated message");
  }
  bytes(): Uint8Array {
    const n = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new RangeError(`Cannot skip field: wire type ${wire}`);
  }
}

const dec = new TextDecoder();

function b64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function scalar(type: Scalar, r: Reader, wire: number): unknown {
  switch (type) {
    case "string":
      return dec.decode(r.bytes());
    case "bytes":
      return b64(r.bytes());
    case "int":
      return Number(BigInt.asIntN(64, r.varint()));
    case "bool":
      return r.varint() !== 0n;
    case "time": {
      const t = decodeMessage(r.bytes(), TIME);
      return new Date(Number(t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    case "intorstr": {
      const v = decodeMessage(r.bytes(), {
        1: ["type", "int"],
        2: ["intVal", "int"],
        3: ["strVal", "string"],
      });
      return v.type === 1 ? v.strVal ?? "" : v.intVal ?? 0;
    }
  }
  void wire;
}

const EXTRA_VALUE: Desc = { 1: ["items", "string", true] };

function mapEntry(r: Reader, value: MapValue): [string, unknown] {
  if (value === "strings") {
    const e = decodeMessage(r.bytes(), { 1: ["key", "string"], 2: ["value", EXTRA_VALUE] });
    return [String(e.key ?? ""), (e.value as Obj | undefined)?.items ?? []];
  }
  const e = decodeMessage(r.bytes(), { 1: ["key", "string"], 2: ["value", value] });
  return [String(e.key ?? ""), e.value ?? ""];
}

const OPTIONAL_ZERO = new Set(["hostPort", "nodePort", "stdin", "stdinOnce", "tty"]);

/** Whether a decoded value is the zero value Go writes for a field left unset. */
function isZero(name: string, v: unknown): boolean {
  return v === "" || (OPTIONAL_ZERO.has(name) && (v === 0 || v === false));
}

/** Decodes one message by descriptor, dropping the zero values of unset fields. */
export function decodeMessage(buf: Uint8Array, desc: Desc): Obj {
  const r = new Reader(buf);
  const out: Obj = {};
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const [num, wire] = [tag >>> 3, tag & 7];
    const f = desc[num];
    if (!f) {
      r.skip(wire);
      continue;
    }
    const [name, type] = f;
    if (type === "map") {
      const [k, v] = mapEntry(r, f[2] as MapValue);
      out[name] = { ...(out[name] as Obj ?? {}), [k]: v };
      continue;
    }
    const v = typeof type === "string" ? scalar(type, r, wire) : decodeMessage(r.bytes(), type);
    if (f[2] === true) out[name] = [...(out[name] as unknown[] ?? []), v];
    else if (!isZero(name, v)) out[name] = v;
  }
  return out;
}

/** Whether a body starts with the Kubernetes protobuf magic `k8s\0`. */
export function isK8sProtobuf(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x6b && b[1] === 0x38 && b[2] === 0x73 && b[3] === 0;
}

/** Decodes a `k8s\0` + runtime.Unknown body into JSON (throws RangeError for other kinds). */
export function decodeK8sProtobuf(b: Uint8Array): Obj {
  const unknown = decodeMessage(b.subarray(4), {
    1: ["typeMeta", { 1: ["apiVersion", "string"], 2: ["kind", "string"] }],
    2: ["raw", "bytes"],
  });
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const desc = KINDS[tm.kind ?? ""];
  if (!desc) {
    throw new RangeError(`Cannot decode protobuf kind "${tm.kind}": not supported by the harness`);
  }
  const raw = Uint8Array.from(atob(String(unknown.raw ?? "")), (c) => c.charCodeAt(0));
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...decodeMessage(raw, desc) };
}

/**
 * The REST semantics of the API server, independent of HTTP: get, list, create, update,
 * patch and delete over the store, with admission, managedFields and finalizers.
 *
 * @module
 */

import { admit, type FieldValidation, pruneUnknown } from "./admit.ts";
import { serverSideApply } from "./apply.ts";
import { type ManagedFieldsEntry, recordUpdate } from "./managed_fields.ts";
import { deepEqual, meta, randomSuffix, rfc3339 } from "./objects.ts";
import { clone, isObj, type Obj } from "./patch.ts";
import {
  apiVersionOf,
  Registry,
  type ResourceType,
  storageKey,
  typesFromCrd,
} from "./resources.ts";
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import { metaOf, Store } from "./store.ts";
import { alreadyExists, ApiError, badRequest, conflict, invalid, notFound } from "./status.ts";
import { prepareCreate, prepareUpdate, type StrategyContext } from "./strategy.ts";
import {
  applyPatch,
  checkPreconditions,
  type DeleteOptions,
  isGraceful,
  mergeForUpdate,
  planDelete,
} from "./write_rules.ts";

export type { DeleteOptions };

/** Options of a write. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  subresource?: "status";
  force?: boolean;
}

/** The result of a write: the object and any warnings. */
export interface WriteResult {
  obj: Obj;
  warnings: string[];
  created: boolean;
}

/** Selectors and paging of a list. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** A page of a list. */
export interface ListResult {
  items: Obj[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

const NAMESPACES = storageKey({ group: "", plural: "namespaces" });
const CRDS = storageKey({ group: "apiextensions.k8s.io", plural: "customresourcedefinitions" });

/**
 * The managedFields a client wrote, when they differ from the stored ones (kubectl's
 * client-side-apply upgrade rewrites them); `[{}]` clears them, as in Kubernetes.
 */
function clientManagedFields(body: unknown, stored: unknown): ManagedFieldsEntry[] | undefined {
  if (!Array.isArray(body) || deepEqual(body, stored ?? [])) return undefined;
  return body.filter((e) => isObj(e) && typeof e.manager === "string") as ManagedFieldsEntry[];
}

/** A predicate over objects built from label and field selectors. */
export function selectorPredicate(labelSel?: string, fieldSel?: string): (o: Obj) => boolean {
  const lr = labelSel ? parseLabelSelector(labelSel) : [];
  const fr = fieldSel ? parseFieldSelector(fieldSel) : [];
  return (o) =>
    matchLabels(lr, metaOf(o).labels as Record<string, string> | undefined) && matchFields(fr, o);
}

/** The API operations over a store. */
export class Api {
  readonly store: Store;
  readonly registry: Registry;
  readonly now: () => Date;
  #ipSeq = 10;

  /** Creates the API over a store and registry. */
  constructor(store: Store, registry: Registry, now: () => Date = () => new Date()) {
    this.store = store;
    this.registry = registry;
    this.now = now;
    for (const crd of store.list(CRDS)) {
      registry.setCrd(String(metaOf(crd).name), typesFromCrd(crd));
    }
    for (const svc of store.list(storageKey({ group: "", plural: "services" }))) {
      const ip = /^10\.96\.(\d+)\.(\d+)$/.exec(String((svc.spec as Obj | undefined)?.clusterIP));
      if (ip) this.#ipSeq = Math.max(this.#ipSeq, Number(ip[1]) * 250 + Number(ip[2]));
    }
  }

  #ctx(): StrategyContext {
    return {
      now: this.now(),
      allocateClusterIp: () => {
        const n = this.#ipSeq++;
        return `10.96.${Math.floor(n / 250)}.${n % 250 + 1}`;
      },
    };
  }

  /** Sets apiVersion and kind of an object as served by `rt`. */
  present(rt: ResourceType, o: Obj): Obj {
    o.apiVersion = apiVersionOf(rt);
    o.kind = rt.kind;
    return o;
  }

  /** Reads one object (404 when absent). */
  get(rt: ResourceType, ns: string | undefined, name: string): Obj {
    const o = this.store.get(storageKey(rt), rt.namespaced ? ns : undefined, name);
    if (!o) throw notFound(rt, name);
    return this.present(rt, o);
  }

  /** Lists objects in a namespace (or all), filtered and paged. */
  list(rt: ResourceType, ns: string | undefined, o: ListOptions = {}): ListResult {
    const keep = selectorPredicate(o.labelSelector, o.fieldSelector);
    let items = this.store.list(storageKey(rt), rt.namespaced ? ns : undefined, keep);
    const resourceVersion = String(this.store.rv);
    if (o.continue) {
      let after: string;
      try {
        after = JSON.parse(atob(o.continue)).start;
      } catch {
        throw badRequest("continue key is not valid");
      }
      items = items.filter((x) => `${metaOf(x).namespace ?? ""}/${metaOf(x).name}` > after);
    }
    const res: ListResult = { items, resourceVersion };
    if (o.limit && o.limit > 0 && items.length > o.limit) {
      const page = items.slice(0, o.limit);
      const last = metaOf(page[page.length - 1]);
      res.items = page;
      res.continue = btoa(JSON.stringify({ start: `${last.namespace ?? ""}/${last.name}` }));
      res.remainingItemCount = items.length - o.limit;
    }
    res.items = res.items.map((x) => this.present(rt, x));
    return res;
  }

  #checkNamespace(rt: ResourceType, ns: string | undefined): void {
    if (!rt.namespaced) return;
    if (!ns) throw badRequest("the server could not find the requested resource");
    const n = this.store.get(NAMESPACES, undefined, ns);
    if (!n) throw notFound({ group: "", plural: "namespaces", kind: "Namespace" }, ns);
    if (metaOf(n).deletionTimestamp) {
      throw new ApiError(
        403,
        "Forbidden",
        `${rt.plural} "${
          metaOf(n).name
        }" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  /** The ServiceAccount admission: a pod naming a missing (non-default) account is refused. */
  #checkServiceAccount(rt: ResourceType, pod: Obj): void {
    if (rt.crd || rt.group !== "" || rt.plural !== "pods") return;
    const spec = isObj(pod.spec) ? pod.spec : {};
    const sa = spec.serviceAccountName ?? spec.serviceAccount;
    const m = meta(pod);
    const ns = String(m.namespace);
    if (typeof sa !== "string" || sa === "" || sa === "default") return;
    if (this.store.get("/serviceaccounts", ns, sa)) return;
    throw new ApiError(
      403,
      "Forbidden",
      `pods "${
        m.name ?? m.generateName ?? ""
      }" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`,
    );
  }

  /** Creates an object (POST). `presetManaged` keeps the body's managedFields (apply). */
  create(
    rt: ResourceType,
    ns: string | undefined,
    body: unknown,
    o: WriteOptions = {},
    presetManaged = false,
  ): WriteResult {
    if (!isObj(body)) throw badRequest("the body of the request must be a JSON object");
    const obj = clone(body);
    if (obj.kind !== undefined && obj.kind !== rt.kind) {
      throw badRequest(
        `the kind in the data (${obj.kind}) does not match the expected kind (${rt.kind})`,
      );
    }
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    const m = meta(obj);
    if (rt.namespaced) {
      if (m.namespace !== undefined && m.namespace !== "" && ns && m.namespace !== ns) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      m.namespace = ns ?? m.namespace;
    } else delete m.namespace;
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
    this.#checkNamespace(rt, m.namespace as string | undefined);
    const key = storageKey(rt);
    if (m.name && this.store.get(key, m.namespace as string | undefined, String(m.name))) {
      throw alreadyExists(rt, String(m.name));
    }
    this.#checkServiceAccount(rt, obj);
    const now = this.now();
    m.uid = crypto.randomUUID();
    m.creationTimestamp = rfc3339(now);
    m.generation = 1;
    for (
      const f of ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"]
    ) {
      delete m[f];
    }
    if (rt.status && rt.crd) delete obj.status;
    prepareCreate(rt, obj, this.#ctx());
    const warnings = admit(rt, obj, undefined, o.fieldValidation ?? "Warn");
    if (!presetManaged) {
      delete m.managedFields;
      const entries = recordUpdate(
        undefined,
        obj,
        o.fieldManager ?? "unknown",
        obj.apiVersion as string,
        rfc3339(now),
      );
      if (entries.length) m.managedFields = entries;
    }
    if (o.dryRun) return { obj: this.present(rt, obj), warnings, created: true };
    const stored = this.store.put(key, obj);
    this.#afterWrite(rt, stored);
    return { obj: this.present(rt, stored), warnings, created: true };
  }

  /** Replaces an object (PUT), or its status with `subresource: "status"`. */
  update(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    body: unknown,
    o: WriteOptions = {},
    presetManaged = false,
  ): WriteResult {
    if (!isObj(body)) throw badRequest("the body of the request must be a JSON object");
    const bm = isObj(body.metadata) ? body.metadata : {};
    if (bm.name !== undefined && bm.name !== name) {
      throw badRequest(
        `the name of the object (${bm.name}) does not match the name on the URL (${name})`,
      );
    }
    const old = this.get(rt, ns, name);
    const om = meta(old);
    if (rt.crd && (bm.resourceVersion === undefined || bm.resourceVersion === "")) {
      throw invalid(rt, name, [{
        reason: "FieldValueInvalid",
        message: "Invalid value: 0x0: must be specified for an update",
        field: "metadata.resourceVersion",
      }]);
    }
    if (
      bm.resourceVersion !== undefined && bm.resourceVersion !== "" &&
      bm.resourceVersion !== om.resourceVersion
    ) {
      throw conflict(rt, name);
    }
    const next = mergeForUpdate(rt, old, body, o.subresource);
    prepareUpdate(rt, next, old, this.#ctx());
    const warnings = admit(rt, next, old, o.fieldValidation ?? "Warn");
    const nm = meta(next);
    nm.resourceVersion = om.resourceVersion;
    const base = clientManagedFields(bm.managedFields, om.managedFields);
    const bare = (x: Obj) => {
      const c = clone(x);
      delete meta(c).managedFields;
      return c;
    };
    if (deepEqual(bare(old), bare(next)) && !presetManaged && !base) {
      return { obj: old, warnings, created: false };
    }
    if (!presetManaged) {
      const entries = recordUpdate(
        old,
        next,
        o.fieldManager ?? "unknown",
        apiVersionOf(rt),
        rfc3339(this.now()),
        o.subresource,
        base,
      );
      if (entries.length) nm.managedFields = entries;
      else delete nm.managedFields;
    }
    if (o.dryRun) return { obj: this.present(rt, next), warnings, created: false };
    if (
      nm.deletionTimestamp && ((nm.finalizers as string[] | undefined) ?? []).length === 0 &&
      !isGraceful(rt, next)
    ) {
      const gone = this.store.remove(storageKey(rt), next) ?? next;
      this.#afterRemove(rt, gone);
      return { obj: this.present(rt, gone), warnings, created: false };
    }
    const stored = this.store.put(storageKey(rt), next);
    this.#afterWrite(rt, stored);
    return { obj: this.present(rt, stored), warnings, created: false };
  }

  /** Applies a patch of the given content type (PATCH). Apply creates when absent. */
  patch(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    o: WriteOptions = {},
  ): WriteResult {
    if (contentType.split(";")[0].trim() === "application/apply-patch+yaml") {
      return this.#apply(rt, ns, name, body, o);
    }
    const next = applyPatch(rt, this.get(rt, ns, name), contentType, body);
    return this.update(rt, ns, name, next, o);
  }

  #apply(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    body: unknown,
    o: WriteOptions,
  ): WriteResult {
    if (!o.fieldManager) {
      throw badRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
    }
    if (!isObj(body)) throw badRequest("the body of the request must be an object");
    const applied = clone(body);
    const am = meta(applied);
    if (am.name !== undefined && am.name !== name) {
      throw badRequest(
        `the name of the object (${am.name}) does not match the name on the URL (${name})`,
      );
    }
    am.name = name;
    // Unknown fields leave the applied configuration before it is merged, so no manager owns
    // them (the merged object's own admission then finds none).
    const pruned = pruneUnknown(rt, applied, o.fieldValidation ?? "Warn");
    const withPruned = (r: WriteResult) => ({ ...r, warnings: [...pruned, ...r.warnings] });
    const key = storageKey(rt);
    const live = this.store.get(key, rt.namespaced ? ns : undefined, name);
    const opts = {
      manager: o.fieldManager,
      force: o.force === true,
      apiVersion: apiVersionOf(rt),
      time: rfc3339(this.now()),
    };
    if (!live) {
      const merged = serverSideApply(undefined, applied, opts);
      return withPruned(this.create(rt, ns, merged, { ...o, subresource: undefined }, true));
    }
    if (am.resourceVersion !== undefined && am.resourceVersion !== metaOf(live).resourceVersion) {
      throw conflict(rt, name);
    }
    const merged = serverSideApply(this.present(rt, live), applied, opts);
    meta(merged).resourceVersion = metaOf(live).resourceVersion;
    return withPruned(this.update(rt, ns, name, merged, o, true));
  }

  /** Deletes an object: graceful for bound pods, deferred by finalizers, else at once. */
  delete(rt: ResourceType, ns: string | undefined, name: string, o: DeleteOptions = {}): Obj {
    const old = this.get(rt, ns, name);
    checkPreconditions(rt, old, o);
    const plan = planDelete(rt, old, o, this.now());
    if (o.dryRun || (!plan.remove && !plan.changed)) return this.present(rt, old);
    if (!plan.remove) return this.present(rt, this.store.put(storageKey(rt), plan.next));
    const gone = this.store.remove(storageKey(rt), old) ?? old;
    this.#afterRemove(rt, gone);
    return this.present(rt, gone);
  }

  /** Removes an object at once, finalizers and grace aside (the namespace controller, GC). */
  forceRemove(rt: ResourceType, o: Obj): void {
    const gone = this.store.remove(storageKey(rt), o);
    if (gone) this.#afterRemove(rt, gone);
  }

  #afterWrite(rt: ResourceType, o: Obj): void {
    if (rt.crd || rt.kind !== "CustomResourceDefinition") return;
    this.registry.setCrd(String(metaOf(o).name), typesFromCrd(o));
  }

  #afterRemove(rt: ResourceType, o: Obj): void {
    if (rt.crd || rt.kind !== "CustomResourceDefinition") return;
    const types = typesFromCrd(o);
    this.registry.setCrd(String(metaOf(o).name), []);
    if (types.length === 0) return;
    const key = storageKey(types[0]);
    for (const cr of this.store.list(key)) this.store.remove(key, cr);
  }
}

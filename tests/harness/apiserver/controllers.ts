/**
 * The controllers a cluster runs that nmcp relies on: garbage collector (ownerReferences,
 * background/foreground/orphan), namespace deletion and default ServiceAccount, deployment
 * replicas and status, and service endpoints.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { deployment } from "./deployment.ts";
import { endpointsFor } from "./endpoints.ts";
import { deepEqual, meta } from "./objects.ts";
import type { Obj } from "./patch.ts";
import { type ResourceType, storageKey } from "./resources.ts";
import { metaOf, type StoreEvent } from "./store.ts";

const MANAGER = "harness-controller-manager";

/** An owner reference. */
interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

function owners(o: Obj): OwnerRef[] {
  const refs = metaOf(o).ownerReferences;
  return Array.isArray(refs) ? refs as OwnerRef[] : [];
}

/** Runs the harness controllers on store events, batched on a zero timer. */
export class Controllers {
  #api: Api;
  #jobs = new Set<string>();
  #timer?: ReturnType<typeof setTimeout>;
  #unsub: () => void;
  #stopped = false;
  /** Called with errors of a job (default: ignored). */
  onError: (job: string, e: unknown) => void = () => {};

  /** Starts watching the store. */
  constructor(api: Api) {
    this.#api = api;
    this.#unsub = api.store.subscribe((e) => this.#onEvent(e));
    for (const ns of api.store.list("/namespaces")) this.#enqueue(`ns:${metaOf(ns).name}`);
  }

  /** Stops processing. */
  stop(): void {
    this.#stopped = true;
    this.#unsub();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #rt(skey: string): ResourceType | undefined {
    return this.#api.registry.all().find((t) => storageKey(t) === skey);
  }

  #enqueue(job: string): void {
    if (this.#stopped) return;
    this.#jobs.add(job);
    this.#timer ??= setTimeout(() => this.#run(), 0);
  }

  #onEvent(e: StoreEvent): void {
    const m = metaOf(e.obj);
    const ns = m.namespace;
    if (e.type === "ADDED" && owners(e.obj).length) {
      this.#enqueue(`dangling:${e.skey}|${ns ?? ""}|${m.name}|${m.uid}`);
    }
    if (e.skey === "/namespaces") this.#enqueue(`ns:${m.name}`);
    else if (ns) {
      const n = this.#api.store.get("/namespaces", undefined, ns);
      if (n && metaOf(n).deletionTimestamp) this.#enqueue(`ns:${ns}`);
    }
    if (e.type === "DELETED" || m.deletionTimestamp) {
      this.#enqueue(`gc:${e.skey}|${ns ?? ""}|${m.name}|${m.uid}`);
    }
    if (e.type === "DELETED") { for (const r of owners(e.obj)) this.#enqueue(`owner:${r.uid}`); }
    if (e.skey === "apps/deployments") this.#enqueue(`deploy:${ns}/${m.name}`);
    if (e.skey === "/pods") {
      for (const r of owners(e.obj)) {
        if (r.kind === "Deployment") this.#enqueue(`deploy:${ns}/${r.name}`);
      }
    }
    if (e.skey === "/pods" || e.skey === "/services") this.#enqueue(`ep:${ns}`);
    if (e.skey === "/services" && e.type === "DELETED") this.#enqueue(`epdel:${ns}/${m.name}`);
  }

  #run(): void {
    this.#timer = undefined;
    let rounds = 0;
    while (this.#jobs.size && !this.#stopped && rounds++ < 10_000) {
      const job = this.#jobs.values().next().value!;
      this.#jobs.delete(job);
      try {
        this.#runJob(job);
      } catch (e) {
        this.onError(job, e);
      }
    }
  }

  #runJob(job: string): void {
    const [kind, rest] = [job.slice(0, job.indexOf(":")), job.slice(job.indexOf(":") + 1)];
    if (kind === "ns") this.#namespace(rest);
    else if (kind === "gc") this.#gc(rest.split("|"));
    else if (kind === "owner") this.#ownerCheck(rest);
    else if (kind === "dangling") this.#dangling(rest.split("|"));
    else if (kind === "deploy") {
      const [ns, name] = rest.split("/");
      deployment(this.#api, ns, name, MANAGER);
    } else if (kind === "ep") this.#endpoints(rest);
    else if (kind === "epdel") {
      const [ns, name] = rest.split("/");
      const ep = this.#api.store.get("/endpoints", ns, name);
      if (ep && !this.#api.store.get("/services", ns, name)) {
        this.#api.forceRemove(this.#rt("/endpoints")!, ep);
      }
    }
  }

  /** Every object (with its type) whose ownerReferences name `uid`. */
  #dependents(uid: string): { rt: ResourceType; obj: Obj }[] {
    return this.#api.store.find((o) => owners(o).some((r) => r.uid === uid)).flatMap((x) => {
      const rt = this.#rt(x.skey);
      return rt ? [{ rt, obj: x.obj }] : [];
    });
  }

  #removeFinalizer(rt: ResourceType, o: Obj, f: string): void {
    const m = meta(o);
    m.finalizers = ((m.finalizers as string[] | undefined) ?? []).filter((x) => x !== f);
    this.#api.update(rt, m.namespace as string | undefined, String(m.name), o, {
      fieldManager: MANAGER,
    });
  }

  #gc([skey, ns, name, uid]: string[]): void {
    const rt = this.#rt(skey);
    const live = rt ? this.#api.store.get(skey, rt.namespaced ? ns : undefined, name) : undefined;
    const deps = this.#dependents(uid);
    if (live && metaOf(live).uid === uid) {
      const fins = (metaOf(live).finalizers as string[] | undefined) ?? [];
      if (fins.includes("orphan")) {
        for (const d of deps) this.#dropOwner(d.rt, d.obj, uid);
        this.#removeFinalizer(rt!, live, "orphan");
      } else if (fins.includes("foregroundDeletion")) {
        for (const d of deps) this.#deleteDependent(d.rt, d.obj);
        if (this.#dependents(uid).length === 0) {
          this.#removeFinalizer(rt!, live, "foregroundDeletion");
        }
      }
      return;
    }
    for (const d of deps) {
      const others = owners(d.obj).filter((r) => r.uid !== uid);
      if (others.length) this.#dropOwner(d.rt, d.obj, uid);
      else this.#deleteDependent(d.rt, d.obj);
    }
  }

  #ownerCheck(uid: string): void {
    for (const { skey, obj } of this.#api.store.find((o) => metaOf(o).uid === uid)) {
      const m = metaOf(obj);
      if (m.deletionTimestamp) this.#enqueue(`gc:${skey}|${m.namespace ?? ""}|${m.name}|${uid}`);
    }
  }

  /** Whether the owner a reference names exists with that uid (true when unknown kind). */
  #ownerExists(ref: OwnerRef, ns: string | undefined): boolean {
    const rt = this.#api.registry.byKind(ref.apiVersion, ref.kind);
    if (!rt) return true;
    const o = this.#api.store.get(storageKey(rt), rt.namespaced ? ns : undefined, ref.name);
    return o !== undefined && metaOf(o).uid === ref.uid;
  }

  /** Deletes a new object whose owners all do not exist, as the garbage collector does. */
  #dangling([skey, ns, name, uid]: string[]): void {
    const rt = this.#rt(skey);
    const o = rt ? this.#api.store.get(skey, rt.namespaced ? ns : undefined, name) : undefined;
    if (!rt || !o || metaOf(o).uid !== uid || metaOf(o).deletionTimestamp) return;
    const refs = owners(o);
    if (refs.length && refs.every((r) => !this.#ownerExists(r, ns || undefined))) {
      this.#deleteDependent(rt, o);
    }
  }

  #dropOwner(rt: ResourceType, o: Obj, uid: string): void {
    const m = meta(o);
    const refs = owners(o).filter((r) => r.uid !== uid);
    if (refs.length) m.ownerReferences = refs;
    else delete m.ownerReferences;
    this.#api.update(rt, m.namespace as string | undefined, String(m.name), o, {
      fieldManager: MANAGER,
    });
  }

  #deleteDependent(rt: ResourceType, o: Obj): void {
    const m = metaOf(o);
    if (m.deletionTimestamp) return;
    this.#api.delete(rt, m.namespace, m.name, { propagationPolicy: "Background" });
  }

  #namespace(name: string): void {
    const ns = this.#api.store.get("/namespaces", undefined, name);
    if (!ns) return;
    if (!metaOf(ns).deletionTimestamp) {
      this.#ensureServiceAccount(name);
      return;
    }
    const namespacedKeys = this.#api.store.keys().filter((k) => this.#rt(k)?.namespaced);
    for (const skey of namespacedKeys) {
      const rt = this.#rt(skey)!;
      for (const o of this.#api.store.list(skey, name)) {
        if (rt.kind === "Pod" && !rt.crd) this.#api.forceRemove(rt, o);
        else if (!metaOf(o).deletionTimestamp) this.#api.delete(rt, name, metaOf(o).name, {});
      }
    }
    if (namespacedKeys.every((k) => this.#api.store.list(k, name).length === 0)) {
      this.#api.forceRemove(this.#rt("/namespaces")!, ns);
    }
  }

  #ensureServiceAccount(ns: string): void {
    if (this.#api.store.get("/serviceaccounts", ns, "default")) return;
    const rt = this.#rt("/serviceaccounts")!;
    this.#api.create(rt, ns, { metadata: { name: "default", namespace: ns } }, {
      fieldManager: MANAGER,
    });
  }

  #endpoints(ns: string): void {
    const epType = this.#rt("/endpoints")!;
    const pods = this.#api.store.list("/pods", ns);
    for (const svc of this.#api.store.list("/services", ns)) {
      const want = endpointsFor(svc, pods);
      if (!want) continue;
      const name = String(metaOf(svc).name);
      const live = this.#api.store.get("/endpoints", ns, name);
      if (!live) this.#api.create(epType, ns, want, { fieldManager: MANAGER });
      else if (!deepEqual(live.subsets, want.subsets)) {
        this.#api.update(epType, ns, name, { ...live, subsets: want.subsets }, {
          fieldManager: MANAGER,
        });
      }
    }
  }
}

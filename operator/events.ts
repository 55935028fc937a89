/** Records core/v1 Events on objects, aggregating repeats into `count` as kubectl shows them. */

import type { ObjectMeta } from "../lib/api/mod.ts";
import type { Logger } from "../lib/log.ts";
import { isNotFound, type KubeClient, resourcePath, RESOURCES } from "../lib/kube/mod.ts";
import type { PlannedEvent } from "./reconcile/reasons.ts";

/** The object an Event is about. */
export interface Involved {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

const MAX_SEEN = 4096;

/** Posts Events; the same (object, type, reason, message) again bumps count and lastTimestamp. */
export class EventRecorder {
  #seen = new Map<string, Seen>();

  /** Creates a recorder reporting as `component` from `instance`. */
  constructor(
    readonly client: KubeClient,
    readonly log: Logger,
    readonly opts: { component?: string; instance?: string; now?: () => Date } = {},
  ) {}

  /** Records one event; failures are logged, never thrown. */
  async record(obj: Involved, ev: PlannedEvent): Promise<void> {
    const now = (this.opts.now ?? (() => new Date()))().toISOString();
    const m = obj.metadata;
    const id = `${m.uid}|${ev.type}|${ev.reason}|${ev.message}`;
    const seen = this.#seen.get(id);
    try {
      if (seen) {
        seen.count++;
        const path = resourcePath(RESOURCES.events, seen.namespace, seen.name);
        await this.client.request("PATCH", path, {
          body: { count: seen.count, lastTimestamp: now },
          contentType: "application/merge-patch+json",
        });
        return;
      }
      await this.#create(obj, ev, id, now);
    } catch (err) {
      if (seen && isNotFound(err)) {
        this.#seen.delete(id);
        return this.record(obj, ev);
      }
      this.log.warn("Cannot record event", { reason: ev.reason, error: String(err) });
    }
  }

  async #create(obj: Involved, ev: PlannedEvent, id: string, now: string): Promise<void> {
    const m = obj.metadata;
    const namespace = m.namespace ?? "default";
    const name = `${m.name}.${Date.now().toString(16)}${Math.random().toString(16).slice(2, 6)}`;
    const component = this.opts.component ?? "nmcp-operator";
    await this.client.request("POST", resourcePath(RESOURCES.events, namespace), {
      body: {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: m.name,
          namespace: m.namespace,
          uid: m.uid,
          resourceVersion: m.resourceVersion,
        },
        reason: ev.reason,
        message: ev.message,
        type: ev.type,
        source: { component },
        reportingComponent: component,
        reportingInstance: this.opts.instance ?? "",
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
    if (this.#seen.size >= MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value!);
    this.#seen.set(id, { name, namespace, count: 1, first: now });
  }
}

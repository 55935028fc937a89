/** The status of a declared object (pure): who selects it, whether its Services exist. */

import {
  CONDITIONS,
  type DeclaredStatus,
  type MCPPrompt,
  type MCPResource,
  type MCPServer,
  type MCPTool,
} from "../../lib/api/mod.ts";
import { type ConditionInput, setConditions } from "../reconcile/conditions.ts";
import { selects } from "./render.ts";

/** Reasons of the declared conditions. */
export const DECLARED_REASONS = {
  serviceFound: "ServiceFound",
  serviceMissing: "ServiceNotFound",
  nameClash: "NameClash",
  noClash: "NoClash",
} as const;

type Declared = MCPTool | MCPPrompt | MCPResource;

/** What a declared object's status is computed from. */
export interface DeclaredView {
  /** The servers of the object's namespace. */
  servers: MCPServer[];
  /** Whether a Service of the object's namespace exists. */
  serviceExists: (name: string) => boolean;
  /** RFC 3339 time of the computation. */
  now: string;
}

/** The Services an MCPTool calls. */
export const toolServices = (t: MCPTool): string[] => [t.spec.service.name];
/** The Services an MCPResource calls (none for inline content). */
export const resourceServices = (r: MCPResource): string[] =>
  (r.spec.operations ?? []).map((o) => o.service.name);

/**
 * The status `obj` should have: `selectedBy` (names of the servers whose toolSelector selects
 * it, sorted), and for objects calling `services` `serviceExists` and a ServiceFound condition.
 */
export function declaredStatus(
  obj: Declared,
  services: string[],
  view: DeclaredView,
): DeclaredStatus {
  const { servers, serviceExists, now } = view;
  const prev = obj.status ?? {};
  const status: DeclaredStatus = {
    selectedBy: servers.filter((s) => selects(s, obj)).map((s) => s.metadata.name!).sort(),
    observedGeneration: obj.metadata.generation,
  };
  if (services.length === 0) {
    if (prev.conditions?.length) status.conditions = prev.conditions;
    return status;
  }
  const missing = [...new Set(services)].filter((s) => !serviceExists(s));
  status.serviceExists = missing.length === 0;
  const cond: ConditionInput = missing.length === 0
    ? {
      type: CONDITIONS.serviceFound,
      status: "True",
      reason: DECLARED_REASONS.serviceFound,
      message: `Service ${[...new Set(services)].map((s) => `"${s}"`).join(", ")} found`,
    }
    : {
      type: CONDITIONS.serviceFound,
      status: "False",
      reason: DECLARED_REASONS.serviceMissing,
      message: `Cannot call Service ${missing.map((s) => `"${s}"`).join(", ")}: not found in ` +
        `namespace "${obj.metadata.namespace}"`,
    };
  status.conditions = setConditions(prev.conditions, [cond], now, obj.metadata.generation);
  return status;
}

/** The DeclaredConflict condition of a server from the clashes its render found. */
export function conflictCondition(conflicts: string[]): ConditionInput {
  return conflicts.length > 0
    ? {
      type: CONDITIONS.declaredConflict,
      status: "True",
      reason: DECLARED_REASONS.nameClash,
      message: conflicts.join("; "),
    }
    : {
      type: CONDITIONS.declaredConflict,
      status: "False",
      reason: DECLARED_REASONS.noClash,
      message: "No declared names clash",
    };
}

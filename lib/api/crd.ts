/** Builds the CustomResourceDefinitions of nmcp from the schemas in this folder. */

import {
  CATEGORY,
  GROUP,
  MCP_POOL,
  MCP_PROMPT,
  MCP_RESOURCE,
  MCP_SERVER,
  MCP_TOOL,
  VERSION,
} from "./constants.ts";
import { declaredStatusSchema } from "./declared_fields.ts";
import { mcpPoolSpecSchema, mcpPoolStatusSchema } from "./mcp_pool.ts";
import { mcpPromptSpecSchema } from "./mcp_prompt.ts";
import { mcpResourceSpecSchema } from "./mcp_resource.ts";
import { mcpToolSpecSchema } from "./mcp_tool.ts";
import { mcpServerSpecSchema, mcpServerStatusSchema } from "./mcp_server.ts";
import { object, type OpenApiSchema, type Schema } from "./schema.ts";

/** A printer column of a CRD (`additionalPrinterColumns` entry). */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as nmcp writes them. */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: OpenApiSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

interface Names {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
}

function crdFor(
  names: Names,
  description: string,
  spec: Schema<unknown>,
  status: Schema<unknown>,
  columns: PrinterColumn[],
  specRequired: boolean,
): CustomResourceDefinition {
  const root = object({ spec, status }, { description }).openapi;
  root.properties = {
    apiVersion: { type: "string", description: "APIVersion of this object." },
    kind: { type: "string", description: "Kind of this object." },
    metadata: { type: "object" },
    ...root.properties,
  };
  if (specRequired) root.required = ["spec"];
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${names.plural}.${GROUP}`,
      labels: { "app.kubernetes.io/part-of": "nmcp" },
    },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { ...names, shortNames: [...names.shortNames], categories: [CATEGORY] },
      versions: [{
        name: VERSION,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: root },
        subresources: { status: {} },
        additionalPrinterColumns: [
          ...columns,
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
      }],
    },
  };
}

/** The MCPServer CRD. */
export function mcpServerCrd(): CustomResourceDefinition {
  return crdFor(
    MCP_SERVER,
    "MCPServer runs one MCP server on demand, behind the nmcp gateway sidecar.",
    mcpServerSpecSchema,
    mcpServerStatusSchema,
    [
      {
        name: "Status",
        type: "string",
        jsonPath: ".status.phase",
        description: "The phase of the server.",
      },
      { name: "Pool", type: "string", jsonPath: ".spec.pool" },
      { name: "Transport", type: "string", jsonPath: ".spec.transport.type" },
      { name: "Connections", type: "integer", jsonPath: ".status.currentConnections" },
      { name: "Last Request", type: "date", jsonPath: ".status.lastRequestAt" },
      { name: "Sessions", type: "integer", jsonPath: ".status.openSessions", priority: 1 },
      { name: "Requests", type: "integer", jsonPath: ".status.totalRequests", priority: 1 },
      { name: "Pod", type: "string", jsonPath: ".status.podName", priority: 1 },
      { name: "Endpoint", type: "string", jsonPath: ".status.endpoint", priority: 1 },
    ],
    true,
  );
}

/** The MCPPool CRD. */
export function mcpPoolCrd(): CustomResourceDefinition {
  return crdFor(
    MCP_POOL,
    "MCPPool bounds how many MCPServers of a group run and idle at once.",
    mcpPoolSpecSchema,
    mcpPoolStatusSchema,
    [
      { name: "Max Active", type: "integer", jsonPath: ".spec.maxActive" },
      { name: "Max Idle", type: "integer", jsonPath: ".spec.maxIdle" },
      { name: "Active", type: "integer", jsonPath: ".status.active" },
      { name: "Idle", type: "integer", jsonPath: ".status.idle" },
      { name: "Pending", type: "integer", jsonPath: ".status.pending" },
    ],
    false,
  );
}

const SELECTED_BY: PrinterColumn = {
  name: "Selected By",
  type: "string",
  jsonPath: ".status.selectedBy",
  description: "The MCPServers serving it.",
};

/** The MCPTool CRD. */
export function mcpToolCrd(): CustomResourceDefinition {
  return crdFor(
    MCP_TOOL,
    "MCPTool declares one MCP tool answered by an HTTP call to a Service; MCPServers select it.",
    mcpToolSpecSchema,
    declaredStatusSchema,
    [
      { name: "Tool", type: "string", jsonPath: ".spec.name" },
      { name: "Service", type: "string", jsonPath: ".spec.service.name" },
      { name: "Method", type: "string", jsonPath: ".spec.method" },
      { name: "Service Found", type: "boolean", jsonPath: ".status.serviceExists" },
      SELECTED_BY,
    ],
    true,
  );
}

/** The MCPPrompt CRD. */
export function mcpPromptCrd(): CustomResourceDefinition {
  return crdFor(
    MCP_PROMPT,
    "MCPPrompt declares one MCP prompt rendered from a template; MCPServers select it.",
    mcpPromptSpecSchema,
    declaredStatusSchema,
    [{ name: "Prompt", type: "string", jsonPath: ".spec.name" }, SELECTED_BY],
    true,
  );
}

/** The MCPResource CRD. */
export function mcpResourceCrd(): CustomResourceDefinition {
  return crdFor(
    MCP_RESOURCE,
    "MCPResource declares inline MCP resources or resource templates read from a Service.",
    mcpResourceSpecSchema,
    declaredStatusSchema,
    [
      { name: "URI", type: "string", jsonPath: ".spec.content.uri" },
      { name: "Service Found", type: "boolean", jsonPath: ".status.serviceExists" },
      SELECTED_BY,
    ],
    true,
  );
}

/** Every CRD of nmcp, in install order. */
export function allCrds(): CustomResourceDefinition[] {
  return [mcpServerCrd(), mcpPoolCrd(), mcpToolCrd(), mcpPromptCrd(), mcpResourceCrd()];
}

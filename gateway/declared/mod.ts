/**
 * Declared tools, prompts and resources (MCPTool, MCPPrompt, MCPResource rendered by the
 * operator into `declared.json`): the file's format, the catalog that reloads it, and the
 * upstream that serves it alone (`--virtual`) or merged into a real server's answers.
 */
export { DeclaredCatalog, emptyCatalog, type WatchOptions } from "./catalog.ts";
export { type Declared, parseDeclared, type ParseResult } from "./file.ts";
export { DeclaredUpstream, type DeclaredUpstreamOptions } from "./upstream.ts";

/** The request protocol: annotations that ask the operator to run or stop a server. */

export { type RequestPatch, startPatch, stopPatch } from "../lib/requests.ts";

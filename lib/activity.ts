/** The activity report a gateway serves at `GET /activity` and the operator polls. */

/** The JSON body of `/activity`; `S` types `serverInfo` (from the upstream's initialize result). */
export interface ActivityReport<S> {
  openSessions: number;
  currentConnections: number;
  totalRequests: number;
  lastRequestAt: string | null;
  upstream: { state: string; restarts: number };
  serverInfo: S | null;
}

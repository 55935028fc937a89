/**
 * Runs the MCP conformance server suite (npm @modelcontextprotocol/conformance, all scenarios,
 * ~15 s) against our gateway and against supergateway 4.0.0 (Streamable HTTP, stateful), both in
 * front of the same stdio fixture, and asserts that our gateway passes every scenario the anchor
 * passes (per scenario: a scenario passes when none of its checks fails).
 */
import assert from "node:assert/strict";
import {
  denoScript,
  gatewayPresent,
  type Running,
  startGateway,
  startSupergateway,
} from "../../bench/mod.ts";
import {
  explain,
  regressions,
  runConformance,
  summarize,
  type Summary,
} from "../fixtures/conformance_server/results.ts";

const FIXTURE = denoScript("tests/fixtures/conformance_server/main.ts");
/** The fixture implements every server scenario; the anchor fails only dns-rebinding-protection. */
const MIN_ANCHOR_SCENARIOS = 29;

function report(name: string, s: Summary): string {
  const failed = s.failedScenarios.length ? ` (failed: ${s.failedScenarios.join(", ")})` : "";
  return `${name}: ${s.passedScenarios.length}/${
    s.passedScenarios.length + s.failedScenarios.length
  } scenarios, ${s.passedChecks.length} checks passed, ${s.failedChecks.length} failed${failed}`;
}

async function suiteAgainst(start: () => Promise<Running>): Promise<Summary> {
  const gw = await start();
  try {
    return summarize(await runConformance(`${gw.base}/mcp`));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- gateway stderr ---\n${gw.stderrTail()}`);
  } finally {
    await gw.stop();
  }
}

Deno.test({
  name: "conformance suite: our gateway passes every scenario supergateway 4.0.0 passes",
  ignore: !gatewayPresent(),
  async fn() {
    // One after the other: timing-sensitive scenarios (SSE polling) flake when two runs share
    // the two cores.
    const anchor = await suiteAgainst(() => startSupergateway(FIXTURE, "stateful"));
    const ours = await suiteAgainst(() => startGateway(FIXTURE));
    console.log(report("supergateway 4.0.0 (stateful streamable HTTP)", anchor));
    console.log(report("nmcp gateway (streamable HTTP)", ours));
    assert.ok(
      anchor.passedScenarios.length >= MIN_ANCHOR_SCENARIOS,
      `Cannot trust the anchor run: only ${anchor.passedScenarios.length} scenarios passed`,
    );
    const lost = regressions(anchor, ours);
    const why = explain(ours, lost).join("\n");
    assert.deepEqual(lost, [], `Our gateway fails scenarios supergateway passes:\n${why}`);
  },
});

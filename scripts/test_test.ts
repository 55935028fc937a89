import assert from "node:assert/strict";
import { tallyJunit } from "./test.ts";

Deno.test("tallyJunit() counts passed, failed and skipped test cases", () => {
  const xml = `<?xml version="1.0"?>
<testsuites name="deno test" tests="4" failures="1">
  <testsuite name="./a_test.ts" tests="4">
    <testcase name="ok one" classname="./a_test.ts" time="0.001"></testcase>
    <testcase name="ok two" classname="./a_test.ts" time="0.001"/>
    <testcase name="bad" classname="./a_test.ts" time="0.001"><failure message="x">x</failure></testcase>
    <testcase name="ign" classname="./a_test.ts" time="0"><skipped/></testcase>
  </testsuite>
</testsuites>`;
  assert.deepEqual(tallyJunit(xml), { passed: 2, failed: 1, skipped: 1 });
});

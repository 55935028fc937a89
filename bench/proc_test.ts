import assert from "node:assert/strict";
import { descendants, parentOf, rssKiB, treeUsage } from "./proc.ts";

Deno.test("parentOf() reads the ppid even when the command name has spaces and parens", () => {
  assert.equal(parentOf("123 (my (odd) name) S 45 123 123 0 -1"), 45);
});

Deno.test("rssKiB() reads VmRSS", () => {
  assert.equal(rssKiB("Name:\tdeno\nVmRSS:\t   34292 kB\nThreads: 3\n"), 34292);
  assert.equal(rssKiB("Name:\tzombie\n"), 0);
});

Deno.test("treeUsage() counts a real child process", async () => {
  const child = new Deno.Command("sleep", { args: ["5"] }).spawn();
  try {
    assert.ok(descendants(Deno.pid).includes(child.pid));
    const u = treeUsage(Deno.pid);
    assert.ok(u.processes >= 2);
    assert.ok(u.rssMiB > 1);
  } finally {
    child.kill();
    await child.status;
  }
});

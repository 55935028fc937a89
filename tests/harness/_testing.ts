/** Test helpers shared by the harness's cluster and kubelet tests. */

/** Calls `f` every `stepMs` until it returns a truthy value; throws once `ms` have passed. */
export async function until<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** True while some process of group `pid` is alive (zombies do not count). */
export function groupAlive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-g", String(pid)], stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").some((s) =>
    s.trim() && !s.startsWith("Z")
  );
}

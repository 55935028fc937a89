import assert from "node:assert/strict";
import {
  anyTag,
  defaultImages,
  findImageRule,
  materializeImage,
  normalizeReference,
} from "./images.ts";

Deno.test("findImageRule() matches exact names, any tag or digest, and docker.io long forms", () => {
  const map = [...anyTag("my/img", { entrypoint: ["a"] }), ...defaultImages()];
  assert.equal(normalizeReference("docker.io/library/busybox:1.37"), "busybox:1.37");
  assert.deepEqual(findImageRule(map, "my/img")?.source.entrypoint, ["a"]);
  assert.deepEqual(findImageRule(map, "my/img:v2")?.source.entrypoint, ["a"]);
  assert.deepEqual(findImageRule(map, "my/img@sha256:abc")?.source.entrypoint, ["a"]);
  assert.equal(findImageRule(map, "my/img-other:1"), undefined);
  assert.deepEqual(findImageRule(map, "docker.io/library/busybox:1.37")?.source.cmd, ["sh"]);
  assert.deepEqual(findImageRule(map, "ghcr.io/nwrx/nmcp:dev")?.source.entrypoint, [
    "nmcp-gateway",
  ]);
  assert.deepEqual(findImageRule(map, "mcp/everything")?.source.entrypoint, [
    "mcp-server-everything",
  ]);
  assert.equal(findImageRule(map, "registry.invalid/nope:1"), undefined);
});

Deno.test("materializeImage() writes scripts and busybox applet links", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const img = await materializeImage({
      executables: { hello: { script: "echo hello $1" }, busybox: { link: "/bin/busybox" } },
      cmd: ["hello"],
    }, dir);
    assert.equal(img.binDir, dir);
    const out = await new Deno.Command(`${dir}/hello`, { args: ["x"], stdout: "piped" }).output();
    assert.equal(new TextDecoder().decode(out.stdout), "hello x\n");
    assert.equal(await Deno.realPath(`${dir}/ls`), await Deno.realPath("/bin/busybox"));
    await assert.rejects(
      materializeImage({ executables: { busybox: { link: "/nonexistent/busybox" } } }, dir),
      /apt-get install busybox-static/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { queryBool } from "./query_bool.ts";

Deno.test("queryBool reads booleans as the API server's parameter codec does", () => {
  const b = (query: string, absent?: boolean) =>
    queryBool(new URLSearchParams(query), "watch", absent);
  for (const t of ["watch=true", "watch=True", "watch=TRUE", "watch=1", "watch=t", "watch="]) {
    assert.equal(b(t), true, t);
  }
  // unlike strconv.ParseBool: only "0" and "false" are false, so "f" is true
  for (const t of ["watch=yes", "watch", "watch=2", "watch=f", "watch=F"]) {
    assert.equal(b(t), true, t);
  }
  for (const f of ["watch=false", "watch=False", "watch=FALSE", "watch=fAlSe", "watch=0"]) {
    assert.equal(b(f), false, f);
  }
  assert.equal(b(""), false, "absent");
  assert.equal(b("", true), true, "absent with a default");
  assert.equal(b("watch=0&watch=1"), false, "the first value counts");
});

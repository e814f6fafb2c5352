import { assertEquals } from "@acme-std/assert";
import { join } from "../mod.ts";

Deno.test("join", () => assertEquals(join("a", "b"), "a/b"));

import { copy } from "./copy.ts";
import { assertEquals } from "@acme-std/assert";

Deno.test("copy", () => assertEquals(copy(new Uint8Array(2), new Uint8Array(2)), 2));

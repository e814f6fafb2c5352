// Benchmarks read through the streams package: a dev-only import, no publish order.
import { Buffer } from "@acme-std/streams/buffer";
import { copy } from "../copy.ts";

Deno.bench("copy", () => {
  copy(new Buffer().bytes(), new Uint8Array(8));
});

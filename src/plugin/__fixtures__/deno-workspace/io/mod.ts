import type { Buffer } from "@acme-std/streams";
import { copy } from "jsr:@acme-std/bytes@^1/copy";
import { warn } from "@std/internal";

export type { Buffer };

/** Reads everything from `buf`. */
export function readAll(buf: Buffer): Uint8Array {
  warn("readAll");
  const out = new Uint8Array(buf.bytes().length);
  copy(buf.bytes(), out);
  return out;
}

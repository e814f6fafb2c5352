import { copy } from "@acme-std/bytes/copy";

export class Buffer {
  #buf = new Uint8Array(0);
  bytes(): Uint8Array {
    return this.#buf;
  }
  write(chunk: Uint8Array): number {
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf);
    this.#buf = next;
    return copy(chunk, next, next.length - chunk.length);
  }
}

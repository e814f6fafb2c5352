/** Copies `src` into `dst`; returns the number of bytes copied. */
export function copy(src: Uint8Array, dst: Uint8Array, off = 0): number {
  const n = Math.min(src.length, dst.length - off);
  dst.set(src.subarray(0, n), off);
  return n;
}

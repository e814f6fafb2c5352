import { red } from "@acme-std/fmt";

/** Throws unless `actual === expected`. */
export function assertEquals(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(red(`${actual} !== ${expected}`));
}

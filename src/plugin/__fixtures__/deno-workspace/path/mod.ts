// Not imports: a comment mentioning import { x } from "@acme-std/io",
/* and a block comment: import "@acme-std/streams"; */
export const SEPARATOR = "/";
export const example = 'import { y } from "@acme-std/fmt"';
export function join(...parts: string[]): string {
  return parts.join(SEPARATOR);
}

export { join as joinPath } from "@acme-std/path";
export * from "./colors.ts";

export * from "./buffer.ts";

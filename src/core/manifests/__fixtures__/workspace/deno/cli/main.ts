import { greet } from "@fixture/std-ext";
export const main = (): string => greet("cli");

// Forms JSR infers ("simple inference"): none needs an annotation.

/** No return statement: JSR infers `void`. */
export function log(message: string) {
  console.log(message);
}

/** Only a bare `return;`: still `void`; the nested function's return does not count. */
export function each(items: number[], fn: (n: number) => void) {
  if (items.length === 0) return;
  const twice = (n: number) => {
    return n * 2;
  };
  for (const item of items) fn(twice(item));
}

/** Async with no return value: `Promise<void>`. */
export async function flush(stream: { flush(): Promise<void> }) {
  await stream.flush();
}

export const LEVELS = ["debug", "info", "warn"] as const;
export const DEFAULTS = { level: "info", depth: 2 } as const;
export const PATTERN = /^v?\d+\.\d+\.\d+$/;
export const NAME = "widgets";
export const RETRIES = 3;
export const OFFSET = -1;
export const BIG = 10n;
export const ENABLED = true;
export const PLAIN = `no substitutions`;
export const PARSED = JSON.parse("{}") as { level: string };
export const LIMITS = { min: 0, max: 10, names: ["a", "b"] };
export const CHECKED = { retries: 3 } satisfies Record<string, number>;

export class Logger {
  level = "info";
  count = 0;
  #history: string[] = [];
  private buffer = [] as string[];

  /** No return statement: `void`. */
  write(message: string) {
    this.#history.push(message);
    this.buffer.push(message);
  }

  reset() {
    this.count = 0;
    return;
  }
}

// Slow types JSR refuses: each needs an explicit type.

export function double(n: number) {
  return n * 2;
}

export const created = new Map<string, number>();

export const computed = Math.max(1, 2);

export const onEvent = function (name: string) {
  console.log(name);
};

export const handler = (name: string) => {
  console.log(name);
};

export function* ids() {
  yield 1;
}

export class Counter {
  total = Math.max(0, 1);

  next() {
    return this.total + 1;
  }
}

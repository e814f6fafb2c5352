// Forms JSR may infer (it accepts these), which the static rules leave undecided: warnings.
export const increment = (n: number) => n + 1;
export const BASE = 10;
export const ALIAS = BASE;

/** A refusal: a stable machine-readable code and one sentence for the user. */
export interface Refusal {
  ok: false;
  code: string;
  reason: string;
}

export function refuse(code: string, reason: string): Refusal {
  return { ok: false, code, reason };
}

/** Renders a value for a reason sentence: quoted, or `(absent)`. */
export function shown(value: unknown): string {
  if (value === undefined || value === null) return '(absent)';
  if (typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value);
}

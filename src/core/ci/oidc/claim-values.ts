/**
 * The named claims of a verified payload as strings: required ones that are absent or empty are
 * listed in `missing`, optional ones are kept only when non-empty. `toText` says which JSON values
 * a provider's claims may carry (ids as numbers, booleans…).
 */
export function readClaimValues(
  payload: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
  toText: (value: unknown) => string | undefined,
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of required) {
    const value = toText(payload[name]);
    if (value === undefined || value === '') missing.push(name);
    else values[name] = value;
  }
  for (const name of optional) {
    const value = toText(payload[name]);
    if (value) values[name] = value;
  }
  return { values, missing };
}

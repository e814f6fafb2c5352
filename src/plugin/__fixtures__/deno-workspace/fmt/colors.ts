/** Colours `text` red. */
export function red(text: string): string {
  return `\x1b[31m${text}\x1b[39m`;
}

/** The separator, loaded on demand. */
export async function separator(): Promise<string> {
  const { SEPARATOR } = await import("@acme-std/path");
  return SEPARATOR;
}

/** A window as warnings and refusals name it: `24h` for a day, `<n>s` otherwise, `unknown window` without one. */
export function formatWindow(windowSeconds: number | null): string {
  if (windowSeconds === null) return 'unknown window';
  return windowSeconds === 86_400 ? '24h' : `${windowSeconds}s`;
}

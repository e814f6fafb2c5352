import type { Check } from '../../types';
import type { ReadinessContext } from '../types';

/** Small builders so every check reads the same way: id, status, message, fix. */
export const pass = (id: string, message: string): Check => ({ id, status: 'pass', message });
export const warn = (id: string, message: string, fix: string): Check => ({ id, status: 'warn', message, fix });
export const fail = (id: string, message: string, fix: string): Check => ({ id, status: 'fail', message, fix });

/**
 * Deep checks only matter for a package this run would upload: a built-in registry (external
 * packages are `unsupported`) whose version is not there yet (`already_published` skips it).
 */
export function willPublish(ctx: ReadinessContext): boolean {
  return Boolean(ctx.target.adapter) && ctx.state.exists !== true;
}

export function registryOf(ctx: ReadinessContext): string {
  return ctx.target.pkg.publish.registry;
}

export function trustedPublishing(ctx: ReadinessContext): boolean {
  return ctx.target.pkg.publish.trustedPublishing.enabled;
}

/** `a`, `b` and `c` → "`a`, `b` and `c`" for messages. */
export function listOf(items: string[], quote = true): string {
  const q = items.map((i) => (quote ? `\`${i}\`` : i));
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** First lines of a text (a version banner, a spawn error), trimmed, for messages; a failed command's output goes through `summarizeOutput`. */
export function firstLines(text: string, maxLines = 3): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, maxLines)
    .join(' / ')
    .slice(0, 400);
}

import type { Env } from '../../types';

export type Writer = (text: string) => void;

/**
 * Asks GitHub Actions to mask the token in all later log output (what `core.setSecret` does).
 * Only on GitHub Actions: elsewhere the line would print the token itself.
 */
export function maskInGithubLog(secret: string, env: Env, write: Writer): void {
  if (env.GITHUB_ACTIONS !== 'true' || !secret || /[\r\n]/.test(secret)) return;
  write(`::add-mask::${secret}\n`);
}

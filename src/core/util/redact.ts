import type { Env } from '../types';

/**
 * Removes anything that looks like a credential from text that is printed or stored:
 * values of token-like environment variables, `_authToken=…`, `Authorization:` headers, JWTs and
 * well-known registry token shapes.
 */
const SECRET_KEY = /(TOKEN|PASSWORD|SECRET|AUTH|CREDENTIAL|API_KEY)/i;
const PATTERNS: RegExp[] = [
  /(_authToken\s*=\s*)[^\s"']+/gi,
  /(_auth\s*=\s*)[^\s"']+/gi,
  /(_password\s*=\s*)[^\s"']+/gi,
  /(authorization:\s*(?:bearer|basic|token|githuboidc)?\s*)[^\s"']+/gi,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /()eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /()npm_[A-Za-z0-9]{20,}/g,
  /()pypi-[A-Za-z0-9_-]{20,}/g,
  /()cio[a-z_]*[A-Za-z0-9]{24,}/g,
  /()gh[pousr]_[A-Za-z0-9]{20,}/g,
];

export const REDACTED = '***';

export function secretValuesFromEnv(env: Env): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value && value.length >= 6 && SECRET_KEY.test(key) && !/^(true|false|[0-9]+)$/i.test(value)) values.push(value);
  }
  return values.sort((a, b) => b.length - a.length);
}

export function redact(text: string, env: Env = {}, extraSecrets: string[] = []): string {
  if (!text) return text;
  let out = text;
  for (const secret of [...extraSecrets.filter((s) => s && s.length >= 4), ...secretValuesFromEnv(env)]) {
    out = out.split(secret).join(REDACTED);
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, (_m, prefix: string) => `${prefix}${REDACTED}`);
  return out;
}

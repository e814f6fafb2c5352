import type { Env } from '../types';

/**
 * Removes anything that looks like a credential from text that is printed or stored:
 * values of token-like environment variables, `_authToken=…`, `Authorization:` headers, JWTs and
 * well-known registry token shapes.
 */
// Whole `_`-separated words only: `NODE_AUTH_TOKEN` is a secret, `GIT_AUTHOR_NAME` is not.
const SECRET_KEY = /(^|[_/:])(TOKEN|AUTHTOKEN|PASSWORD|PASSWD|SECRETS?|AUTH|CREDENTIALS?|API_?KEY|PRIVATE_KEY)(_|$)/i;
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
  /()github_pat_[A-Za-z0-9_]{22,}/g,
  // Credentials in a URL's userinfo (`https://user:secret@host`): the user stays, the password goes.
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
  /(--(?:token|password|auth-token)(?:=|\s+))[^\s"']+/gi,
  /("(?:token|access_token|id_token|password|secret)"\s*:\s*")[^"]+/gi,
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

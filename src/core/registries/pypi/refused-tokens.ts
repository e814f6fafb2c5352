import type { RefusedTokenVariables } from '../types';
import { presentKeys } from '../support/present-keys';

/** Our addition: uv and twine upload with these instead of trusted publishing when present. */
const PYPI_EXACT = new Set(['UV_PUBLISH_TOKEN', 'UV_PUBLISH_PASSWORD', 'TWINE_PASSWORD']);

export function isRefusedPypiTokenVariable(key: string): boolean {
  return PYPI_EXACT.has(key);
}

export const pypiRefusedTokens: RefusedTokenVariables = {
  present: (env) => presentKeys(env, isRefusedPypiTokenVariable),
  message: (pkgId, keys) =>
    `\`${pkgId}\` requires PyPI trusted publishing, but long-lived PyPI token environment variables are present: ${keys.join(', ')}. Remove token-based PyPI credentials and publish from the configured CI/OIDC workflow, or set \`publish.trusted_publishing = false\` to opt out. (@monochange/nx refuses these for PyPI as well as npm: a long-lived upload credential must not sit beside trusted publishing, where uv or twine could use it instead.)`,
};

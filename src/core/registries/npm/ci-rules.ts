import { MIN_NPM_FOR_TRUSTED_PUBLISHING } from '../../workflow/render-workflow';
import type { RegistryCiRules } from '../types';

/** npm on GitLab: the CLI exchanges `NPM_ID_TOKEN` itself, and provenance is signed with Sigstore's token. */
export const npmCiRules: RegistryCiRules = {
  gitlabIdToken: { name: 'NPM_ID_TOKEN', aud: 'npm:registry.npmjs.org', accepts: (aud) => aud.startsWith('npm:') },
  gitlabProvenanceIdToken: { name: 'SIGSTORE_ID_TOKEN', aud: 'sigstore' },
  gitlabScript: [
    [
      `required="${MIN_NPM_FOR_TRUSTED_PUBLISHING}"; current="$(npm --version)"`,
      `if [ "$(printf '%s\\n%s\\n' "$required" "$current" | sort -V | head -n 1)" != "$required" ]; then echo "npm $current cannot publish with trusted publishing (OIDC); npm >= $required is needed" >&2; exit 1; fi`,
    ].join('\n'),
  ],
};

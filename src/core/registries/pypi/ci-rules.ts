import type { RegistryCiRules } from '../types';

/** uv reads `PYPI_ID_TOKEN` on GitLab (TestPyPI's audience is accepted too). */
export const pypiCiRules: RegistryCiRules = {
  gitlabIdToken: { name: 'PYPI_ID_TOKEN', aud: 'pypi', accepts: (aud) => aud === 'pypi' || aud === 'testpypi' },
  // The Node image has no uv; installing one here would fetch an unpinned binary in the publish job.
  gitlabScript: ['command -v uv >/dev/null || { echo "uv is needed to build and publish Python packages: use an image with Node 24 and uv" >&2; exit 1; }'],
};

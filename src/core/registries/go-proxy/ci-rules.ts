import type { RegistryCiRules } from '../types';

/** A Go release is a tag pushed by the job its own release tag started; no OIDC token is exchanged with a registry. */
export const goCiRules: RegistryCiRules = {
  noIdToken: {
    identity: 'Go publishing pushes a git tag and needs no OIDC token',
    workflow: 'Go publishing pushes a tag; no job needs `id-token: write` for it',
  },
  githubTagOnly: {
    message: 'Go modules are published only from a job started by pushing their release tag; other triggers are refused at publish time',
    fix: "trigger this workflow only on `push: tags: ['<module dir>/v[0-9]+.[0-9]+.[0-9]+']`",
  },
};

import type { RegistryCiRules } from '../types';

/** crates.io takes the short-lived token that rust-lang/crates-io-auth-action exchanges for the job's OIDC token. */
export const cratesIoCiRules: RegistryCiRules = {
  githubRequiredAction: {
    action: 'rust-lang/crates-io-auth-action',
    message: 'crates.io packages are published here but no publish job exchanges its OIDC token with rust-lang/crates-io-auth-action',
    fix: 'add the pinned `rust-lang/crates-io-auth-action` step (id `crates-io-auth`) and pass `CARGO_REGISTRY_TOKEN: ${{ steps.crates-io-auth.outputs.token }}` through `env:`',
  },
};

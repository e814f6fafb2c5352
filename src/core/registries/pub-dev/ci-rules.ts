import type { RegistryCiRules } from '../types';

/** pub.dev accepts OIDC tokens only from runs a tag push started. */
export const pubDevCiRules: RegistryCiRules = {
  githubTagOnly: {
    message: 'pub.dev accepts only workflows started by a tag push; other triggers are rejected at publish time',
    fix: "trigger this workflow only on `push: tags: ['<package>-v[0-9]+.[0-9]+.[0-9]+']`",
  },
  githubTagPushTrigger: {
    why: 'pub.dev only accepts OIDC tokens from tag-push runs',
    fix: "add `on: { push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } }` (or `<name>-v…`) matching the pattern set on pub.dev",
  },
};

import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { detectCiIdentity } from '../ci/detect';
import type { Env } from '../types';
import { checkProvenance, type ProvenanceVerdict } from './provenance';
import { circleEnv, cloudBuildEnv, githubEnv, gitlabEnv, makePackage, type PackageFixture } from './testing/fixtures';

// Nothing is read from here: these envs either have no GITHUB_JOB workflow file or are not GitHub.
const root = join(tmpdir(), 'mc-provenance-no-such-dir');

function check(registry: string, env: Env, pkg: PackageFixture = {}): ProvenanceVerdict {
  return checkProvenance({
    pkg: makePackage({ requireProvenance: true, ...pkg }),
    registry,
    identity: detectCiIdentity(env, { root }),
  });
}

const OPT_OUT =
  'set `publish.attestations.require_registry_provenance = false` to opt out or use an external publisher that enforces its own attestation policy.';

describe('checkProvenance', () => {
  it.each([
    ['npm', {}],
    ['crates_io', githubEnv()],
    ['pypi', githubEnv()],
  ])('does nothing unless required (%s)', (registry, env) => {
    expect(checkProvenance({ pkg: makePackage(), registry, identity: detectCiIdentity(env, { root }) })).toEqual({
      ok: true,
      addProvenanceFlag: false,
    });
  });

  it.each<[string, string, Env, ProvenanceVerdict]>([
    ['npm × GitHub Actions', 'npm', githubEnv(), { ok: true, addProvenanceFlag: true }],
    ['npm × GitLab CI/CD', 'npm', gitlabEnv(), { ok: true, addProvenanceFlag: true }],
    ['jsr × GitHub Actions (provenance is automatic, no flag)', 'jsr', githubEnv(), { ok: true, addProvenanceFlag: false }],
  ])('passes %s', (_label, registry, env, verdict) => {
    expect(check(registry, env)).toEqual(verdict);
  });

  it('1. trusted publishing disabled', () => {
    expect(check('npm', githubEnv(), { trustedPublishing: { enabled: false } })).toEqual({
      ok: false,
      code: 'provenance.trust-disabled',
      reason:
        '`web` requires registry-native package provenance, but trusted publishing is disabled. Registry provenance is only enforceable for built-in publishing from a verifiable CI/OIDC identity; set `publish.trusted_publishing = true` or set `publish.attestations.require_registry_provenance = false` to opt out.',
    });
  });

  it.each<[string, Env, string]>([
    ['local shell', {}, 'No supported CI provider identity was detected for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD.'],
    [
      'GitHub without workflow ref',
      githubEnv({ GITHUB_WORKFLOW_REF: undefined }),
      'Current CI provider GitHub Actions is supported for npm trusted publishing, but publish-time environment variables are incomplete; verify the registry publisher configuration manually.',
    ],
    [
      'GitLab without job id',
      gitlabEnv({ CI_JOB_ID: undefined }),
      'Current CI provider GitLab CI/CD is supported for npm trusted publishing, but publish-time environment variables are incomplete; verify the registry publisher configuration manually.',
    ],
  ])('2. identity not verifiable: %s', (_label, env, cap) => {
    expect(check('npm', env)).toEqual({
      ok: false,
      code: 'provenance.identity-unverifiable',
      reason: `\`web\` requires registry-native package provenance from a verifiable CI/OIDC identity, but the current publishing context is local or unverifiable. ${cap} Run \`nx run-many -t publish\` from the configured CI workflow or set \`publish.attestations.require_registry_provenance = false\` to opt out.`,
    });
  });

  it.each<[string, Env, string, string]>([
    [
      'crates_io',
      githubEnv(),
      'GitHub Actions',
      'Current CI provider GitHub Actions is supported for crates_io trusted publishing; registry-side setup verification is manual; registry-native provenance is not available.',
    ],
    [
      'pub_dev',
      githubEnv(),
      'GitHub Actions',
      'Current CI provider GitHub Actions is supported for pub_dev trusted publishing; registry-side setup verification is manual; registry-native provenance is not available.',
    ],
    [
      'pub_dev',
      cloudBuildEnv(),
      'Google Cloud Build',
      'Current CI provider Google Cloud Build is supported for pub_dev trusted publishing; registry-side setup verification is manual; registry-native provenance is not available.',
    ],
    [
      'go_proxy',
      githubEnv(),
      'GitHub Actions',
      'Current CI provider GitHub Actions is supported for go_proxy trusted publishing; registry-side setup verification is manual; registry-native provenance is not available.',
    ],
    [
      'my-private-registry',
      githubEnv(),
      'GitHub Actions',
      'Current CI provider GitHub Actions is not supported for my-private-registry trusted publishing; supported providers: none.',
    ],
    [
      'npm',
      circleEnv(),
      'CircleCI',
      'Current CI provider CircleCI is not supported for npm trusted publishing; supported providers: GitHub Actions, GitLab CI/CD.',
    ],
    ['jsr', gitlabEnv(), 'GitLab CI/CD', 'Current CI provider GitLab CI/CD is not supported for jsr trusted publishing; supported providers: GitHub Actions.'],
  ])('3. no native provenance: %s from %s', (registry, env, label, cap) => {
    expect(check(registry, env)).toEqual({
      ok: false,
      code: 'provenance.unsupported',
      reason: `\`web\` cannot require registry-native package provenance for ${registry} from ${label}. ${cap} This registry/provider combination does not expose provenance monochange can require; ${OPT_OUT}`,
    });
  });

  it.each<[string, Env, string]>([
    [
      'GitHub Actions',
      githubEnv(),
      'Current CI provider GitHub Actions is supported for pypi trusted publishing; registry-side setup verification is manual; registry-native provenance is available.',
    ],
    [
      'GitLab CI/CD',
      gitlabEnv(),
      'Current CI provider GitLab CI/CD is supported for pypi trusted publishing; registry-side setup verification is manual; registry-native provenance is available.',
    ],
    [
      'Google Cloud Build',
      cloudBuildEnv(),
      'Current CI provider Google Cloud Build is supported for pypi trusted publishing; registry-side setup verification is manual; registry-native provenance is available.',
    ],
  ])('4. adapter cannot require it: pypi from %s', (_label, env, cap) => {
    expect(check('pypi', env)).toEqual({
      ok: false,
      code: 'provenance.adapter-cannot-require',
      reason: `\`web\` cannot require registry-native package provenance for pypi yet. ${cap} The registry supports provenance, but monochange's current built-in publisher for this ecosystem does not expose a publish command that can require it; ${OPT_OUT}`,
    });
  });
});

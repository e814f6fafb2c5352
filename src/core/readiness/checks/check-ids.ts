/**
 * Every readiness check id of the deep checks, and the spec fixtures that prove it: at least one
 * that passes and one that does not (warn or fail). `check-ids.spec.ts` keeps this table honest
 * (every id emitted by the check files is listed, every fixture title exists in its spec).
 */
export interface CheckIdProof {
  /** Spec file next to the check, e.g. `identity.spec.ts`. */
  spec: string;
  /** Titles of tests where the check passes. */
  pass: string[];
  /** Titles of tests where it warns or fails. */
  fail: string[];
}

export const CHECK_IDS: Record<string, CheckIdProof> = {
  'identity.provider': {
    spec: 'identity.spec.ts',
    pass: ['identity.provider passes on GitHub Actions'],
    fail: ['identity.provider fails in a plain shell, with the capability message'],
  },
  'identity.supported': {
    spec: 'identity.spec.ts',
    pass: ['identity.supported passes for npm on GitHub Actions'],
    fail: ['identity.supported fails for crates.io on GitLab CI/CD'],
  },
  'identity.id-token': {
    spec: 'identity.spec.ts',
    pass: ['identity.id-token passes when both GitHub OIDC variables are present'],
    fail: [
      'identity.id-token fails naming exactly the missing GitHub variable',
      'identity.id-token fails on GitLab without NPM_ID_TOKEN for npm',
      'identity.id-token fails on GitLab without MONOCHANGE_ID_TOKEN, for every registry',
    ],
  },
  'identity.trigger': {
    spec: 'identity.spec.ts',
    pass: ['identity.trigger passes for a tag push', 'identity.trigger passes for the publish event %s'],
    fail: [
      'identity.trigger fails for %s',
      'identity.trigger says why an issue comment or an unlisted event may not publish',
      'identity.trigger fails for a GitLab merge request from a fork',
    ],
  },
  'identity.environment': {
    spec: 'identity.spec.ts',
    pass: ['identity.environment passes on GitLab when the job deploys to the configured environment, and fails otherwise'],
    fail: ['identity.environment passes on GitLab when the job deploys to the configured environment, and fails otherwise'],
  },
  'identity.tag': {
    spec: 'identity.spec.ts',
    pass: [
      'identity.tag passes for pub.dev on the <name>-v<version> tag',
      'identity.tag passes for a Go root module on v1.2.3 and fails for a submodule on the root tag',
    ],
    fail: ['identity.tag fails for pub.dev on a branch', 'identity.tag passes for a Go root module on v1.2.3 and fails for a submodule on the root tag'],
  },
  'workflow.exists': {
    spec: 'workflow.spec.ts',
    pass: ['workflow.exists passes for the runtime workflow file'],
    fail: [
      'workflow.exists fails for a configured workflow that is missing, naming the .yaml twin',
      'workflow.exists warns in a plain shell when no workflow is configured',
    ],
  },
  'workflow.id-token': {
    spec: 'workflow.spec.ts',
    pass: ['workflow.id-token passes for a job-level grant'],
    fail: ['workflow.id-token fails when the running job has no id-token: write', 'workflow.id-token warns when the grant comes from the workflow level'],
  },
  'workflow.environment': {
    spec: 'workflow.spec.ts',
    pass: ['workflow.environment passes when the job uses the configured environment'],
    fail: ['workflow.environment fails when the job uses another environment'],
  },
  'workflow.trigger': {
    spec: 'workflow.spec.ts',
    pass: ['workflow.trigger passes for a tag push'],
    fail: [
      'workflow.trigger fails for pull_request_target',
      'workflow.trigger fails for issue_comment, and readiness is blocked',
      'workflow.trigger fails for pub.dev without a tag push',
    ],
  },
  'workflow.hardening': {
    spec: 'workflow.spec.ts',
    pass: ['workflow.hardening passes for a hardened workflow', 'a generated npm publish workflow passes every workflow check'],
    fail: [
      'workflow.hardening warns per finding with file:line',
      'workflow.hardening still only warns for ${{ inputs.* }} in run:',
      'workflow.hardening fails for ${{ github.event.* }} in run:, and readiness is blocked',
      'workflow.hardening fails for a checkout of the pull request head (%s)',
    ],
  },
  'credentials.env-token': {
    spec: 'credentials.spec.ts',
    pass: ['credentials.env-token passes without token variables', 'credentials.env-token passes with a note for CARGO_REGISTRY_TOKEN'],
    fail: ['credentials.env-token fails for an empty NODE_AUTH_TOKEN, naming the variable only', 'credentials.env-token fails for UV_PUBLISH_TOKEN on PyPI'],
  },
  'credentials.npmrc-token': {
    spec: 'credentials.spec.ts',
    pass: ['credentials.npmrc-token passes when .npmrc has only registry settings and tokens for other hosts'],
    fail: [
      'credentials.npmrc-token fails for a token in the package .npmrc, never printing it',
      'credentials.npmrc-token fails for the user .npmrc named by npm_config_userconfig',
    ],
  },
  'tools.npm': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.npm passes for npm 11.6.0 with trusted publishing'],
    fail: ['tools.npm fails for npm 10.9.0 with trusted publishing, naming the version found'],
  },
  'tools.pnpm': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.pnpm passes when the workspace manager is installed'],
    fail: ['tools.pnpm fails when the workspace manager is missing'],
  },
  'tools.cargo': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.cargo passes with the real cargo and fails when it is missing'],
    fail: ['tools.cargo passes with the real cargo and fails when it is missing'],
  },
  'tools.deno': {
    spec: 'tools.integration.spec.ts',
    pass: ["tools.deno passes with the workspace's node_modules/.bin/deno and fails when none is found"],
    fail: ["tools.deno passes with the workspace's node_modules/.bin/deno and fails when none is found"],
  },
  'tools.dart': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.dart passes for a Dart SDK and fails when it is missing'],
    fail: ['tools.dart passes for a Dart SDK and fails when it is missing'],
  },
  'tools.uv': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.uv passes for uv and fails when it is missing'],
    fail: ['tools.uv passes for uv and fails when it is missing'],
  },
  'tools.git': {
    spec: 'tools.integration.spec.ts',
    pass: ['tools.git passes with the real git and fails when it is missing'],
    fail: ['tools.git passes with the real git and fails when it is missing'],
  },
  'npm.repository-url': {
    spec: 'npm.integration.spec.ts',
    pass: ['npm.repository-url passes for the trusted repository in another URL form and case'],
    fail: ['npm.repository-url fails for another repository', 'npm.repository-url fails when package.json has none'],
  },
  'npm.access': {
    spec: 'npm.integration.spec.ts',
    pass: ['npm.access passes for a scoped package without restricted access'],
    fail: ['npm.access fails for publishConfig.access = restricted'],
  },
  'npm.workspace-protocol': {
    spec: 'npm.integration.spec.ts',
    pass: ['npm.workspace-protocol passes when pnpm will rewrite workspace: ranges'],
    fail: ['npm.workspace-protocol fails for workspace:/catalog: ranges in an npm workspace'],
  },
  'npm.entry-points': {
    spec: 'npm.integration.spec.ts',
    pass: ['npm.entry-points passes when main, exports, bin and types are in `npm pack --dry-run` (real npm)'],
    fail: ['npm.entry-points fails for entry points that `files` leaves out (real npm)'],
  },
  'npm.trusted-publisher': {
    spec: 'npm-trusted-publisher.spec.ts',
    pass: ['npm.trusted-publisher passes when npm lists the expected GitHub publisher'],
    fail: [
      'npm.trusted-publisher fails for a publisher of another workflow, repository or environment, naming what was found',
      'npm.trusted-publisher fails when npm lists no publisher',
      'npm.trusted-publisher fails for a matching publisher that only allows staged publishing',
      'npm.trusted-publisher warns once in a plain shell without an npm login, with how to verify',
      'npm.trusted-publisher warns when npm is too old to have `npm trust`, naming the version needed',
      'npm.trusted-publisher warns when `npm trust list` fails',
    ],
  },
  'cargo.metadata': {
    spec: 'cargo.integration.spec.ts',
    pass: ['cargo.metadata passes with description and license'],
    fail: ['cargo.metadata fails once per missing field, naming the Cargo.toml key crates.io requires'],
  },
  'cargo.path-dependency': {
    spec: 'cargo.integration.spec.ts',
    pass: ['cargo.path-dependency passes when path dependencies carry versions (path-only dev-dependencies are stripped by cargo)'],
    fail: ['cargo.path-dependency fails for a path dependency without a version'],
  },
  'cargo.dependency-unpublished': {
    spec: 'cargo.integration.spec.ts',
    pass: ['cargo.dependency-unpublished passes for a crate of this publish set and a path crate already on crates.io'],
    fail: ['cargo.dependency-unpublished fails for a declared crate that is neither published at the version nor in the publish set'],
  },
  'jsr.metadata': {
    spec: 'jsr.integration.spec.ts',
    pass: ['jsr.metadata passes for @scope/name, version and exports'],
    fail: ['jsr.metadata fails for an unscoped name, no version and no exports'],
  },
  'jsr.slow-types': {
    spec: 'jsr.integration.spec.ts',
    pass: [
      'jsr.slow-types passes with `deno publish --dry-run` (real deno) for an explicitly typed API',
      'jsr.slow-types passes with the static check when deno is turned off by env',
    ],
    fail: [
      'jsr.slow-types fails with `deno publish --dry-run` (real deno) per slow type; jsr.dry-run fails for the missing license',
      'jsr.slow-types fails with the static check (ts-morph) when deno is not installed',
    ],
  },
  'jsr.dry-run': {
    spec: 'jsr.integration.spec.ts',
    pass: ['jsr.slow-types passes with `deno publish --dry-run` (real deno) for an explicitly typed API'],
    fail: [
      'jsr.slow-types fails with `deno publish --dry-run` (real deno) per slow type; jsr.dry-run fails for the missing license',
      'jsr.dry-run warns when deno cannot finish, and the static check answers for slow types',
    ],
  },
  'python.metadata': {
    spec: 'python.spec.ts',
    pass: ['python.metadata passes for a static name and version'],
    fail: ['python.metadata fails without a version that is not dynamic either'],
  },
  'python.dynamic-version': {
    spec: 'python.spec.ts',
    pass: ['python.dynamic-version passes for a static version'],
    fail: ['python.dynamic-version warns for a dynamic version, with how to pin it'],
  },
  'python.readme': {
    spec: 'python.spec.ts',
    pass: ['python.readme passes for an existing readme file'],
    fail: ['python.readme warns without a readme and fails for a missing file'],
  },
  'go.major-version': {
    spec: 'go.integration.spec.ts',
    pass: ['go.major-version passes for v1 without a suffix and v2 with /v2'],
    fail: ['go.major-version fails for v2 without /v2 (and /v2 with a v1 version)'],
  },
  'go.tag-free': {
    spec: 'go.integration.spec.ts',
    pass: ['go.tag-free passes when the tag is neither local nor on origin'],
    fail: [
      'go.tag-free fails for a tag on origin at another commit',
      'go.tag-free passes for a tag at this very commit (a job started by the release tag), saying it will be pushed',
      'go.tag-free warns when origin cannot be asked',
    ],
  },
  'go.clean-tree': {
    spec: 'go.integration.spec.ts',
    pass: ['go.clean-tree passes for a clean tree (our own .monochange/ artifacts do not count)'],
    fail: ['go.clean-tree fails for uncommitted changes, listing them'],
  },
  'rate-limits.window': {
    spec: 'rate-limits.spec.ts',
    pass: ['rate-limits.window passes when the crates.io publishes fit one window', 'rate-limits.window passes for registries without a documented quota'],
    fail: ['rate-limits.window warns above the window, with the batch plan', 'rate-limits.window fails above the window when rate_limits.enforce = true'],
  },
};

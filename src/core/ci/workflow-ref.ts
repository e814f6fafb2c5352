/**
 * Parsing of GitHub workflow refs (`GITHUB_WORKFLOW_REF`, the `workflow_ref` / `job_workflow_ref`
 * OIDC claims): `owner/repo/.github/workflows/<path>@<ref>`.
 *
 * The split between `<path>` and `<ref>` follows PyPI's rule (`([^/]+\.(yml|yaml))(?=@)`, greedy,
 * leftmost path segment): the workflow path ends at the LAST `@` of the first `/`-separated segment
 * that holds a `.yml@` / `.yaml@`. So `release.yml@evil.yml@refs/heads/main` yields the file
 * `release.yml@evil.yml` (never `release.yml`), and `basic.yml@refs/heads/misleading@branch.yml`
 * yields `basic.yml` with the ref `refs/heads/misleading@branch.yml`. Callers compare the parts
 * strictly; this parser only refuses shapes that cannot be a real workflow ref.
 */

export interface WorkflowRef {
  /** `owner/repo`. */
  repository: string;
  /** Path relative to `.github/workflows/` (`publish.yml`, or `release/publish.yml`). */
  workflowPath: string;
  /** Base name of the workflow file (`publish.yml`). */
  workflowFile: string;
  /** Git ref or commit sha after the `@` (`refs/heads/main`, `refs/tags/v1.0.0`, a sha). */
  ref: string;
}

const WORKFLOWS_DIR = '.github/workflows/';
const NAME_PART = /^[A-Za-z0-9_.-]+$/;
const WORKFLOW_EXTENSION = /[^/]\.(yml|yaml)$/;
// Full refs (`refs/heads/…`, `refs/tags/…`, `refs/pull/…`) or a commit sha (SHA-1 or SHA-256).
const REF_SHAPE = /^(refs\/[^\s@]\S*|[0-9a-f]{40}|[0-9a-f]{64})$/;

export function parseWorkflowRef(value: string | undefined | null): WorkflowRef | undefined {
  if (!value || /\s/.test(value)) return undefined;

  const [owner, repo, ...rest] = value.split('/');
  if (!owner || !repo || !NAME_PART.test(owner) || !NAME_PART.test(repo)) return undefined;
  const afterRepo = rest.join('/');
  if (!afterRepo.startsWith(WORKFLOWS_DIR)) return undefined;

  const split = splitPathAndRef(afterRepo.slice(WORKFLOWS_DIR.length));
  if (!split) return undefined;
  const { workflowPath, ref } = split;

  const segments = workflowPath.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  if (!REF_SHAPE.test(ref)) return undefined;

  return {
    repository: `${owner}/${repo}`,
    workflowPath,
    workflowFile: segments[segments.length - 1],
    ref,
  };
}

function splitPathAndRef(text: string): { workflowPath: string; ref: string } | undefined {
  let offset = 0;
  for (const segment of text.split('/')) {
    const at = lastWorkflowAt(segment);
    if (at !== undefined) {
      const cut = offset + at;
      return { workflowPath: text.slice(0, cut), ref: text.slice(cut + 1) };
    }
    offset += segment.length + 1;
  }
  return undefined;
}

/** Index of the last `@` in `segment` preceded by `<something>.yml` / `.yaml`. */
function lastWorkflowAt(segment: string): number | undefined {
  for (let i = segment.lastIndexOf('@'); i > 0; i = segment.lastIndexOf('@', i - 1)) {
    if (WORKFLOW_EXTENSION.test(segment.slice(0, i))) return i;
  }
  return undefined;
}

/** Workflow path relative to `.github/workflows/` from a workflow ref, or undefined. */
export function workflowPathFromRef(value: string | undefined | null): string | undefined {
  return parseWorkflowRef(value)?.workflowPath;
}

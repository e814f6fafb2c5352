import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/**
 * The deployment environment a GitHub Actions job declares:
 * `jobs.<job>.environment` in `<root>/.github/workflows/<workflowPath>`, a string or `{ name }`.
 * Missing file, invalid YAML, missing job or key → undefined, never an error. Expressions
 * (`${{ … }}`) are only known at run time, so they count as undefined too.
 */
export function readJobEnvironment(root: string, workflowPath: string, job: string): string | undefined {
  if (!workflowPath || !job || workflowPath.split(/[\\/]/).some((s) => s === '..' || s === '')) return undefined;

  let text: string;
  try {
    text = readFileSync(join(root, '.github', 'workflows', workflowPath), 'utf8');
  } catch {
    return undefined;
  }

  let parsed: unknown;
  try {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) return undefined;
    parsed = doc.toJS();
  } catch {
    return undefined;
  }

  const jobs = field(parsed, 'jobs');
  const environment = field(field(jobs, job), 'environment');
  const name = typeof environment === 'string' ? environment : field(environment, 'name');
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  if (!trimmed || trimmed.includes('${{')) return undefined;
  return trimmed;
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

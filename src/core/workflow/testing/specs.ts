import type { PublishWorkflowSpec } from '../render-workflow';

/** Workflow specs covering every toolchain and trigger, shared by the workflow tests. */
export function mainSpec(overrides: Partial<PublishWorkflowSpec> = {}): PublishWorkflowSpec {
  return {
    name: 'Publish',
    trigger: 'release',
    environment: 'publisher',
    ecosystems: ['npm', 'cargo', 'deno', 'python', 'go'],
    target: { kind: 'run-many' },
    concurrencyGroup: 'publish',
    artifactName: 'monochange-results',
    ...overrides,
  };
}

export function dartSpec(overrides: Partial<PublishWorkflowSpec> = {}): PublishWorkflowSpec {
  return {
    name: 'Publish my_dart to pub.dev',
    trigger: 'tag',
    tagPatterns: ['my_dart-v[0-9]+.[0-9]+.[0-9]+'],
    environment: 'publisher',
    ecosystems: ['dart'],
    target: { kind: 'project', project: 'my-dart' },
    concurrencyGroup: 'publish-my_dart',
    artifactName: 'monochange-results-my_dart',
    ...overrides,
  };
}

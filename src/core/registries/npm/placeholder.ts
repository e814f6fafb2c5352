import type { SourceConfig } from '../../config/types';
import { sourceRepositoryUrl } from '../support/source-url';

/** `package.json` of the npm placeholder (version always `0.0.0`). */
export function npmPlaceholderPackageJson(name: string, source: SourceConfig | undefined): Record<string, unknown> {
  const repositoryUrl = sourceRepositoryUrl(source);
  return {
    name,
    version: '0.0.0',
    description: `Placeholder package for ${name}`,
    ...(repositoryUrl ? { repository: { type: 'git', url: `git+${repositoryUrl}.git` } } : {}),
  };
}

import type { SourceConfig } from '../../config/types';

const DEFAULT_HOSTS: Partial<Record<SourceConfig['provider'], string>> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
};

/**
 * Web URL of the source repository for placeholder manifests, on the source's own provider and
 * host (not always github.com); unknown hosts give no URL.
 */
export function sourceRepositoryUrl(source: SourceConfig | undefined): string | undefined {
  if (!source) return undefined;
  const host = source.host ?? DEFAULT_HOSTS[source.provider];
  if (!host) return undefined;
  return `https://${host}/${source.owner}/${source.repo}`;
}

import { formatKeyPath } from '../config/key-path';
import { MonochangeError } from '../errors';
import type { RegistryId } from '../types';
import { isBuiltinRegistry } from '../types';
import { cratesIoRegistry } from './crates-io';
import { goProxyRegistry } from './go-proxy';
import { jsrRegistry } from './jsr';
import { npmRegistry } from './npm';
import { pubDevRegistry } from './pub-dev';
import { pypiRegistry } from './pypi';
import type { RegistryAdapter } from './types';

export type { RegistryAdapter, LookupContext, PublishRequest, PlaceholderRequest, PublishAttempt } from './types';

export const REGISTRIES: Record<RegistryId, RegistryAdapter> = {
  crates_io: cratesIoRegistry,
  npm: npmRegistry,
  jsr: jsrRegistry,
  pub_dev: pubDevRegistry,
  pypi: pypiRegistry,
  go_proxy: goProxyRegistry,
};

/** The adapter of a built-in registry; custom registries have none (they are published externally). */
export function registryAdapter(registry: string): RegistryAdapter | undefined {
  return isBuiltinRegistry(registry) ? REGISTRIES[registry] : undefined;
}

export function requireRegistryAdapter(registry: string, packageId: string): RegistryAdapter {
  const adapter = registryAdapter(registry);
  if (!adapter) {
    throw new MonochangeError(`package \`${packageId}\` uses the custom registry \`${registry}\`, which has no built-in publisher`, {
      key: formatKeyPath(['package', packageId, 'publish', 'registry']),
      code: 'registry.custom',
      fix: 'set `mode = "external"` for this package and publish it from your own workflow step',
    });
  }
  return adapter;
}

import type { Ecosystem } from '../types';

/** One line per step, readable in Nx's static output and GitHub Actions logs. */
const ICON: Record<Ecosystem, string> = {
  cargo: '🦀',
  npm: '📦',
  deno: '🦕',
  dart: '🎯',
  flutter: '🦋',
  python: '🐍',
  go: '🐹',
};

export type Logger = (line: string) => void;

/** The ecosystem's icon and the package's one name (see `shownName`). */
export function packageLabel(ecosystem: Ecosystem, name: string): string {
  return `${ICON[ecosystem] ?? '🌐'} ${name}`;
}

/**
 * The name a user reads and types is the Nx project's; the registry name follows in parentheses
 * only where it differs (a Go module path, a crate in a differently named directory…).
 */
export function shownName(project: string, registryName: string): string {
  return !registryName || registryName === project ? project : `${project} (${registryName})`;
}

export const progress = {
  checking: (log: Logger, eco: Ecosystem, name: string, version: string, registry: string) =>
    log(`→ ${packageLabel(eco, name)} checking ${version} on ${registry}`),
  publishing: (log: Logger, eco: Ecosystem, name: string, version: string, registry: string) =>
    log(`→ ${packageLabel(eco, name)} publishing ${version} to ${registry}`),
  skipped: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`⏭️  ${packageLabel(eco, name)} ${message}`),
  planned: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`📝 ${packageLabel(eco, name)} ${message}`),
  published: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`✅ ${packageLabel(eco, name)} ${message}`),
  blocked: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`⛔ ${packageLabel(eco, name)} blocked: ${message}`),
  failed: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`❌ ${packageLabel(eco, name)} failed: ${message}`),
  warn: (log: Logger, eco: Ecosystem, name: string, message: string) => log(`⚠️  ${packageLabel(eco, name)} ${message}`),
};

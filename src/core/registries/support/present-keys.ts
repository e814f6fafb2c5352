import type { Env } from '../../types';

/** Keys of `env` that are set (an empty value counts) and refused, sorted. */
export function presentKeys(env: Env, refused: (key: string) => boolean): string[] {
  return Object.keys(env)
    .filter((key) => env[key] !== undefined && refused(key))
    .sort();
}

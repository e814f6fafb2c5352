// Placeholder until the manifests module lands: signatures are the contract.
import type { Ecosystem } from '../types';
import type { Manifest } from './types';
export * from './types';
/**
 * Reads the manifest of the package at `<root>/<path>` for its ecosystem. Throws a MonochangeError
 * naming the file and the field when the manifest is missing, does not parse, or lacks a field.
 */
export declare function readManifest(root: string, pkg: { id?: string; path: string; type: Ecosystem }): Manifest;

import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Merges a freshly generated workflow into the user's existing one, keeping the existing nodes
 * (and so their comments and styles) wherever the value is unchanged.
 *
 * - Maps: keys from the generated doc are set (recursively merged); keys the user added are kept,
 *   except in the places the generator owns outright (`isExact`), where extra keys are removed.
 * - Steps: matched by `name`, then by the action in `uses`; steps the user added are kept after the
 *   step they followed; generated steps that are no longer wanted (`isOwnedStep`) are dropped.
 * - Scalars: the existing node stays when the value is equal; a generated trailing comment (the
 *   `# vX.Y.Z` of a pin) always wins.
 */
export interface MergeRules {
  /** Map paths whose keys must be exactly the generated ones. */
  isExact(path: readonly (string | number)[]): boolean;
  /** Map paths where these keys are removed when the generated doc lacks them. */
  ownedKeys(path: readonly (string | number)[]): readonly string[];
  /** Sequence paths that hold steps. */
  isSteps(path: readonly (string | number)[]): boolean;
  /** A step (as plain JS) that the generator writes, dropped when no longer generated. */
  isOwnedStep(step: Record<string, unknown>): boolean;
}

export function mergeDocuments(existing: Document, generated: Document, rules: MergeRules): Document {
  // The generated header comment goes only on a file that starts with no comment at all (the parser
  // files leading comments under the document or the first key depending on blank lines).
  const leading = existing.toString().trimStart();
  if (!leading.startsWith('#') && generated.commentBefore) existing.commentBefore = generated.commentBefore;
  existing.contents = merge(existing.contents as Node | null, generated.contents as Node, [], rules) as typeof existing.contents;
  return existing;
}

function merge(existing: Node | null, desired: Node, path: (string | number)[], rules: MergeRules): Node {
  if (isMap(existing) && isMap(desired)) return mergeMap(existing, desired, path, rules);
  if (isSeq(existing) && isSeq(desired) && rules.isSteps(path)) return mergeSteps(existing, desired, path, rules);
  if (isScalar(existing) && isScalar(desired) && existing.value === desired.value) {
    if (desired.comment) existing.comment = desired.comment;
    return existing;
  }
  if (existing && !isPair(existing) && existing.commentBefore && !desired.commentBefore) {
    desired.commentBefore = existing.commentBefore;
  }
  return desired;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function mergeMap(existing: YAMLMap, desired: YAMLMap, path: (string | number)[], rules: MergeRules): YAMLMap {
  const exact = rules.isExact(path);
  const owned = new Set(rules.ownedKeys(path));
  const desiredKeys = new Set(desired.items.map(keyOf));
  existing.items = existing.items.filter((p) => {
    const key = keyOf(p);
    if (desiredKeys.has(key)) return true;
    return !(exact || owned.has(String(key)));
  });
  let insertAt = 0;
  for (const pair of desired.items) {
    const key = keyOf(pair);
    const index = existing.items.findIndex((p) => keyOf(p) === key);
    if (index === -1) {
      existing.items.splice(insertAt, 0, pair);
      insertAt++;
      continue;
    }
    const current = existing.items[index];
    current.value = merge(current.value as Node | null, pair.value as Node, [...path, String(key)], rules);
    insertAt = index + 1;
  }
  return existing;
}

function stepJs(node: unknown): Record<string, unknown> {
  return isMap(node) ? (node.toJSON() as Record<string, unknown>) : {};
}

function actionOf(step: Record<string, unknown>): string | undefined {
  return typeof step.uses === 'string' ? step.uses.split('@')[0] : undefined;
}

function mergeSteps(existing: YAMLSeq, desired: YAMLSeq, path: (string | number)[], rules: MergeRules): YAMLSeq {
  const old = existing.items.map((node) => ({ node: node as Node, js: stepJs(node), matched: false }));
  const merged: Node[] = [];
  /** For each generated step, the index in `old` of the existing step it replaced. */
  const origin: (number | undefined)[] = [];
  desired.items.forEach((node, i) => {
    const js = stepJs(node);
    let index = old.findIndex((o) => !o.matched && js.name !== undefined && o.js.name === js.name);
    if (index === -1 && actionOf(js)) index = old.findIndex((o) => !o.matched && actionOf(o.js) === actionOf(js));
    if (index === -1) {
      merged.push(node as Node);
      origin.push(undefined);
      return;
    }
    old[index].matched = true;
    merged.push(merge(old[index].node, node as Node, [...path, i], rules));
    origin.push(index);
  });
  // Steps the user added stay right after the step they followed before.
  const result: Node[] = [];
  const kept = old.filter((o) => !o.matched && !rules.isOwnedStep(o.js));
  const placed = new Set<(typeof kept)[number]>();
  const keptAfter = (index: number | undefined) => {
    for (let j = (index ?? -1) + 1; j < old.length; j++) {
      const o = old[j];
      if (o.matched) break;
      if (kept.includes(o) && !placed.has(o)) {
        result.push(o.node);
        placed.add(o);
      }
    }
  };
  keptAfter(undefined);
  merged.forEach((node, i) => {
    result.push(node);
    if (origin[i] !== undefined) keptAfter(origin[i]);
  });
  for (const o of kept) if (!placed.has(o)) result.push(o.node);
  existing.items = result;
  return existing;
}

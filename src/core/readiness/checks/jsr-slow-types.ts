import fs from 'node:fs';
import path from 'node:path';

/** A slow type found by the static check: where, and what is missing. */
export interface SlowType {
  file: string;
  line: number;
  message: string;
  /** `true`: JSR may infer it (a form the static rules cannot decide); a warning, not a failure. */
  unsure?: true;
}

const TS_FILE = /\.(ts|tsx|mts|cts)$/;

/** Entry files named by `exports` (string or subpath map), resolved in the package dir; TypeScript only. */
export function exportedFiles(dir: string, exportsField: unknown): string[] {
  const targets: string[] = [];
  if (typeof exportsField === 'string') targets.push(exportsField);
  else if (exportsField && typeof exportsField === 'object') {
    for (const value of Object.values(exportsField)) if (typeof value === 'string') targets.push(value);
  }
  return [...new Set(targets.map((t) => path.resolve(dir, t)))].filter((f) => TS_FILE.test(f) && fs.existsSync(f));
}

/**
 * JSR's "no slow types" rule, statically, with JSR's simple inference (checked against
 * `deno publish --dry-run`):
 * - a function declaration or class method with no `return <value>` (only bare `return;` or none,
 *   async included; not a generator) returns `void` and needs no return type; with a value it does;
 * - function expressions and block-bodied arrows in exported consts always need a return type;
 *   expression-bodied arrows are inferred from simple expressions, which is not decided here (unsure);
 * - an exported const or public field needs a type unless initialised with a literal (string,
 *   number, bigint, boolean, regex, template without substitutions, `-1`), an `as const` or `as T`
 *   assertion, a `satisfies` of such, or an object/array literal of those; a call or `new` needs a
 *   type; other forms (a reference, arithmetic…) are unsure.
 * ts-morph is loaded here, on first use, so only JSR packages pay for it.
 */
export async function findSlowTypes(dir: string, files: string[]): Promise<SlowType[]> {
  const { Node, Project, ts } = await import('ts-morph');
  type TsNode = import('ts-morph').Node;
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    // Only syntax and exports are inspected: no lib.d.ts needed (saves seconds per package).
    skipLoadingLibFiles: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      noEmit: true,
    },
  });
  const found: SlowType[] = [];
  const seen = new Set<string>();
  const report = (node: TsNode, message: string, unsure = false) => {
    const file = path.relative(dir, node.getSourceFile().getFilePath()) || node.getSourceFile().getBaseName();
    const key = `${file}:${node.getStartLineNumber()}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ file, line: node.getStartLineNumber(), message, ...(unsure ? { unsure: true as const } : {}) });
  };
  const isPrivate = (member: TsNode) =>
    (Node.isModifierable(member) && (member.hasModifier(ts.SyntaxKind.PrivateKeyword) || member.hasModifier(ts.SyntaxKind.ProtectedKeyword))) ||
    (Node.isPropertyNamed(member) && member.getName().startsWith('#'));

  /** `inferred`: JSR infers the type; `slow`: it needs an annotation; `unsure`: not decided here. */
  type Verdict = 'inferred' | 'slow' | 'unsure';
  const initializer = (node: TsNode | undefined): Verdict => {
    if (!node) return 'slow';
    if (Node.isParenthesizedExpression(node)) return initializer(node.getExpression());
    if (
      Node.isStringLiteral(node) ||
      Node.isNumericLiteral(node) ||
      Node.isBigIntLiteral(node) ||
      Node.isNoSubstitutionTemplateLiteral(node) ||
      Node.isTrueLiteral(node) ||
      Node.isFalseLiteral(node) ||
      Node.isRegularExpressionLiteral(node)
    ) {
      return 'inferred';
    }
    if (Node.isPrefixUnaryExpression(node)) {
      const operand = node.getOperand();
      return node.getOperatorToken() === ts.SyntaxKind.MinusToken && (Node.isNumericLiteral(operand) || Node.isBigIntLiteral(operand)) ? 'inferred' : 'unsure';
    }
    // `x as T` states the type (`as const` included); `satisfies` keeps the operand's.
    if (Node.isAsExpression(node) || Node.isTypeAssertion(node)) return 'inferred';
    if (Node.isSatisfiesExpression(node)) return initializer(node.getExpression());
    if (Node.isArrayLiteralExpression(node)) return combine(node.getElements().map(initializer));
    if (Node.isObjectLiteralExpression(node)) {
      return combine(
        node
          .getProperties()
          .map((p) => (Node.isPropertyAssignment(p) && !Node.isComputedPropertyName(p.getNameNode()) ? initializer(p.getInitializer()) : 'unsure')),
      );
    }
    if (Node.isCallExpression(node) || Node.isNewExpression(node)) return 'slow';
    return 'unsure';
  };
  const combine = (verdicts: Verdict[]): Verdict => (verdicts.includes('slow') ? 'slow' : verdicts.includes('unsure') ? 'unsure' : 'inferred');
  /** A `return <value>` in this body (not in nested functions or classes). */
  const returnsValue = (body: TsNode | undefined): boolean => {
    let found = false;
    body?.forEachDescendant((node, traversal) => {
      if (
        Node.isFunctionLikeDeclaration(node) ||
        Node.isArrowFunction(node) ||
        Node.isFunctionExpression(node) ||
        Node.isClassDeclaration(node) ||
        Node.isClassExpression(node)
      ) {
        traversal.skip();
      } else if (Node.isReturnStatement(node) && node.getExpression()) {
        found = true;
        traversal.stop();
      }
    });
    return found;
  };
  /** Function declarations and methods: no return type is fine when JSR infers `void` (or `Promise<void>`). */
  const needsReturnType = (fn: import('ts-morph').FunctionDeclaration | import('ts-morph').MethodDeclaration) =>
    !fn.getReturnTypeNode() && (fn.isGenerator() || returnsValue(fn.getBody()));

  for (const file of files) {
    const source = project.addSourceFileAtPath(file);
    for (const [name, declarations] of source.getExportedDeclarations()) {
      for (const decl of declarations) {
        if (Node.isFunctionDeclaration(decl)) {
          if (decl.getOverloads().length === 0 && needsReturnType(decl)) report(decl, `exported function \`${name}\` has no explicit return type`);
        } else if (Node.isVariableDeclaration(decl)) {
          if (decl.getTypeNode()) continue;
          const init = decl.getInitializer();
          if (init && Node.isFunctionExpression(init)) {
            if (!init.getReturnTypeNode()) report(decl, `exported function \`${name}\` has no explicit return type`);
          } else if (init && Node.isArrowFunction(init)) {
            if (init.getReturnTypeNode()) continue;
            if (Node.isBlock(init.getBody())) report(decl, `exported function \`${name}\` has no explicit return type`);
            else if (initializer(init.getBody()) !== 'inferred')
              report(decl, `exported function \`${name}\` has no explicit return type; JSR infers it only from a simple expression`, true);
          } else {
            const verdict = initializer(init);
            if (verdict === 'slow') report(decl, `exported \`${name}\` has no explicit type`);
            else if (verdict === 'unsure') report(decl, `exported \`${name}\` has no explicit type; JSR infers it only from a simple expression`, true);
          }
        } else if (Node.isClassDeclaration(decl)) {
          for (const member of decl.getMembers()) {
            if (isPrivate(member)) continue;
            if (Node.isPropertyDeclaration(member) && !member.getTypeNode()) {
              const verdict = initializer(member.getInitializer());
              if (verdict === 'slow') report(member, `public field \`${name}.${member.getName()}\` has no explicit type`);
              else if (verdict === 'unsure')
                report(member, `public field \`${name}.${member.getName()}\` has no explicit type; JSR infers it only from a simple expression`, true);
            } else if (Node.isMethodDeclaration(member)) {
              if (member.getOverloads().length === 0 && needsReturnType(member))
                report(member, `public method \`${name}.${member.getName()}\` has no explicit return type`);
            } else if (Node.isGetAccessorDeclaration(member) && !member.getReturnTypeNode() && returnsValue(member.getBody())) {
              report(member, `public method \`${name}.${member.getName()}\` has no explicit return type`);
            }
          }
        }
      }
    }
  }
  return found;
}

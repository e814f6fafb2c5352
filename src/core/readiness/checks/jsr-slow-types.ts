import fs from 'node:fs';
import path from 'node:path';

/** A slow type found by the static check: where, and what is missing. */
export interface SlowType {
  file: string;
  line: number;
  message: string;
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
 * JSR's "no slow types" rule, statically: exported functions (declarations, and arrow/function
 * expressions in exported consts) need explicit return types; exported consts need a type unless
 * initialised with a literal; public class fields need types (or a literal initialiser) and public
 * methods return types. ts-morph is loaded here, on first use, so only JSR packages pay for it.
 */
export async function findSlowTypes(dir: string, files: string[]): Promise<SlowType[]> {
  const { Node, Project, ts } = await import('ts-morph');
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
  const report = (node: import('ts-morph').Node, message: string) => {
    const file = path.relative(dir, node.getSourceFile().getFilePath()) || node.getSourceFile().getBaseName();
    const key = `${file}:${node.getStartLineNumber()}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ file, line: node.getStartLineNumber(), message });
  };
  const isLiteral = (node: import('ts-morph').Node | undefined) =>
    !!node &&
    (Node.isStringLiteral(node) || Node.isNumericLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isTrueLiteral(node) || Node.isFalseLiteral(node) || Node.isBigIntLiteral(node));
  const isPrivate = (member: import('ts-morph').Node) =>
    (Node.isModifierable(member) && (member.hasModifier(ts.SyntaxKind.PrivateKeyword) || member.hasModifier(ts.SyntaxKind.ProtectedKeyword))) ||
    (Node.isPropertyNamed(member) && member.getName().startsWith('#'));

  for (const file of files) {
    const source = project.addSourceFileAtPath(file);
    for (const [name, declarations] of source.getExportedDeclarations()) {
      for (const decl of declarations) {
        if (Node.isFunctionDeclaration(decl)) {
          if (decl.getOverloads().length === 0 && !decl.getReturnTypeNode()) report(decl, `exported function \`${name}\` has no explicit return type`);
        } else if (Node.isVariableDeclaration(decl)) {
          if (decl.getTypeNode()) continue;
          const init = decl.getInitializer();
          if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) {
            if (!init.getReturnTypeNode()) report(decl, `exported function \`${name}\` has no explicit return type`);
          } else if (!isLiteral(init)) report(decl, `exported \`${name}\` has no explicit type`);
        } else if (Node.isClassDeclaration(decl)) {
          for (const member of decl.getMembers()) {
            if (isPrivate(member)) continue;
            if (Node.isPropertyDeclaration(member) && !member.getTypeNode() && !isLiteral(member.getInitializer())) {
              report(member, `public field \`${name}.${member.getName()}\` has no explicit type`);
            } else if ((Node.isMethodDeclaration(member) || Node.isGetAccessorDeclaration(member)) && !member.getReturnTypeNode()) {
              if (Node.isMethodDeclaration(member) && member.getOverloads().length > 0) continue;
              report(member, `public method \`${name}.${member.getName()}\` has no explicit return type`);
            }
          }
        }
      }
    }
  }
  return found;
}

/**
 * Python import name for a placeholder's package directory: lower-case ASCII
 * letters, digits and `_`, every other character → `_`; empty or starting with a digit →
 * `placeholder_` prefix. `Example-Pkg.Name` → `example_pkg_name`, `123-pkg` → `placeholder_123_pkg`.
 */
export function pythonModuleName(distributionName: string): string {
  const name = distributionName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return name === '' || /^[0-9]/.test(name) ? `placeholder_${name}` : name;
}

/**
 * PEP 440 comparison form, enough to match a manifest version against PyPI's release keys:
 * `v` prefix dropped, lower-cased, and trailing `.0` release segments ignored (`1.0` == `1.0.0`).
 */
export function pep440Key(version: string): string {
  const match = /^v?(\d+(?:\.\d+)*)(.*)$/i.exec(version.trim());
  if (!match) return version.trim().toLowerCase();
  const release = match[1].split('.').map((n) => String(Number(n)));
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return `${release.join('.')}${match[2].toLowerCase()}`;
}

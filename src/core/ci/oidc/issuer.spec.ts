import { GITHUB_OIDC_ISSUER } from './constants';
import type { MonochangeConfig } from '../../config/types';
import { resolveIssuer, type OidcConfigInput } from './issuer';

const withIssuer = (issuer: string) => ({ file: '/ws/monochange.toml', source: { oidc: { issuer } } });

describe('resolveIssuer', () => {
  it('takes the loaded MonochangeConfig as it is', () => {
    const asInput = (config: MonochangeConfig): OidcConfigInput => config;
    const config = { file: '/ws/monochange.toml', source: { oidc: { issuer: 'https://ghes.example.com/_services/token' } } } as MonochangeConfig;
    expect(resolveIssuer(asInput(config))).toMatchObject({ ok: true, issuer: 'https://ghes.example.com/_services/token' });
  });

  it('defaults to public GitHub, with the JWKS under it and no warning', () => {
    for (const config of [undefined, {}, { source: {} }]) {
      expect(resolveIssuer(config)).toEqual({
        ok: true,
        issuer: GITHUB_OIDC_ISSUER,
        jwksUrl: `${GITHUB_OIDC_ISSUER}/.well-known/jwks`,
        isDefault: true,
        warnings: [],
      });
    }
  });

  it('does not warn when the default issuer is configured explicitly (trailing slash allowed)', () => {
    expect(resolveIssuer(withIssuer(`${GITHUB_OIDC_ISSUER}/`))).toMatchObject({ ok: true, issuer: GITHUB_OIDC_ISSUER, warnings: [] });
  });

  it.each([
    ['https://ghes.example.com/_services/token', 'https://ghes.example.com/_services/token/.well-known/jwks'],
    ['https://token.actions.octo.ghe.com', 'https://token.actions.octo.ghe.com/.well-known/jwks'],
    [`${GITHUB_OIDC_ISSUER}/acme-enterprise`, `${GITHUB_OIDC_ISSUER}/acme-enterprise/.well-known/jwks`],
  ])('accepts the enterprise issuer %s from config, with a warning naming it', (issuer, jwksUrl) => {
    const result = resolveIssuer(withIssuer(issuer));
    expect(result).toMatchObject({ ok: true, issuer, jwksUrl, isDefault: false });
    if (!result.ok) return;
    expect(result.warnings).toEqual([expect.stringContaining(`OIDC issuer is ${issuer}`)]);
    expect(result.warnings[0]).toContain('[source.oidc] issuer in /ws/monochange.toml');
  });

  it.each(['http://127.0.0.1:8123', 'http://localhost:8123/issuer', 'http://[::1]:8123'])('accepts plain http on loopback: %s', (issuer) => {
    expect(resolveIssuer(withIssuer(issuer))).toMatchObject({ ok: true, issuer, isDefault: false });
  });

  it.each(['http://ghes.example.com/_services/token', 'http://10.0.0.5', 'http://127.0.0.1.example.com', 'http://localhost.example.com'])(
    'refuses plain http on a non-loopback host: %s',
    (issuer) => {
      const result = resolveIssuer(withIssuer(issuer));
      expect(result).toMatchObject({ ok: false, code: 'oidc.issuer-insecure' });
      if (result.ok) return;
      expect(result.reason).toContain(issuer);
      expect(result.reason).toContain('loopback');
    },
  );

  it.each([
    ['not a url', 'not a URL'],
    ['ftp://ghes.example.com', 'https://'],
    ['https://user:pw@ghes.example.com', 'credentials'],
    ['https://ghes.example.com/_services/token?x=1', 'query'],
    ['https://ghes.example.com/_services/token#x', 'fragment'],
  ])('refuses a malformed issuer %s', (issuer, mention) => {
    const result = resolveIssuer(withIssuer(issuer));
    expect(result).toMatchObject({ ok: false, code: 'oidc.issuer-invalid' });
    if (result.ok) return;
    expect(result.reason).toContain(mention);
  });
});

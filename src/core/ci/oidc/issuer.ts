import { GITHUB_OIDC_ISSUER } from './constants';
import { refuse, type Refusal } from './refusal';

/** The part of the config this module reads (a `MonochangeConfig` fits). */
export interface OidcConfigInput {
  /** Path of monochange.toml, for messages. */
  file?: string;
  source?: { oidc?: { issuer: string } };
}

export interface IssuerSettings {
  ok: true;
  /** Exact `iss` the token must carry. */
  issuer: string;
  /** Always `<issuer>/.well-known/jwks`, built from the configured issuer, never from the token. */
  jwksUrl: string;
  isDefault: boolean;
  /** Printed on every run when the issuer is not public GitHub's. */
  warnings: string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CONFIG_KEY = '[source.oidc] issuer';

/**
 * Which issuer to trust. Public GitHub unless `[source.oidc] issuer` names a GitHub Enterprise
 * Server (`https://HOST/_services/token`) or GHE.com issuer. The environment is never consulted:
 * any process that starts us can set variables, so they cannot choose whom we trust.
 */
export function resolveIssuer(config?: OidcConfigInput): IssuerSettings | Refusal {
  const configured = config?.source?.oidc?.issuer;
  if (configured === undefined) return settings(GITHUB_OIDC_ISSUER, true, []);

  const where = `${CONFIG_KEY}${config?.file ? ` in ${config.file}` : ''}`;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return refuse(
      'oidc.issuer-invalid',
      `${where} is "${configured}", which is not a URL; set it to your GitHub Enterprise issuer (e.g. https://HOST/_services/token) or remove it to use ${GITHUB_OIDC_ISSUER}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return refuse(
      'oidc.issuer-invalid',
      `${where} is "${configured}"; an issuer is an https:// URL without credentials, query or fragment. Set it to your GitHub Enterprise issuer (e.g. https://HOST/_services/token) or remove it.`,
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return refuse(
      'oidc.issuer-insecure',
      `${where} is "${configured}", a plain http:// issuer on host ${url.hostname}; its signing keys could be swapped in transit, so http:// is accepted only on a loopback host (127.0.0.1, localhost, [::1]). Use the https:// issuer of your GitHub Enterprise instance.`,
    );
  }

  const issuer = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (issuer === GITHUB_OIDC_ISSUER) return settings(issuer, true, []);
  return settings(issuer, false, [
    `OIDC issuer is ${issuer} (from ${where}), not public GitHub's ${GITHUB_OIDC_ISSUER}: CI identity is only as trustworthy as that issuer. Check that it is your GitHub Enterprise Server or GHE.com instance.`,
  ]);
}

function settings(issuer: string, isDefault: boolean, warnings: string[]): IssuerSettings {
  return { ok: true, issuer, jwksUrl: `${issuer}/.well-known/jwks`, isDefault, warnings };
}

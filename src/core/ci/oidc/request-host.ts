import { GITHUB_OIDC_ISSUER } from './constants';

/** Which hosts may receive the job's request token for a given issuer. */
interface TokenHosts {
  issuerHost: string;
  /** Cloud issuers serve token requests from per-run subdomains ending with this. */
  suffix?: string;
  /** Protocols the request URL may use. */
  protocols: string[];
  /** For messages, e.g. `https://*.actions.githubusercontent.com`. */
  described: string;
}

const GITHUB_ISSUER_HOST = new URL(GITHUB_OIDC_ISSUER).hostname;
const GHE_COM_ISSUER_HOST = /^token\.actions\.[a-z0-9-]+\.ghe\.com$/;

/**
 * Whether `requestUrl` is a token endpoint of `issuer`, so the bearer request token may be sent to
 * it. Public GitHub and GHE.com answer from `<run>.actions[.SUB.ghe].com`-style subdomains over
 * https; any other issuer (GHES, a loopback test issuer) answers from its own hostname.
 */
export function isTrustedRequestHost(requestUrl: URL, issuer: string): boolean {
  const hosts = tokenHosts(issuer);
  if (!hosts || !hosts.protocols.includes(requestUrl.protocol)) return false;
  const host = requestUrl.hostname;
  return host === hosts.issuerHost || (hosts.suffix !== undefined && host.endsWith(hosts.suffix));
}

/** The hosts allowed for `issuer`, for a refusal message. */
export function describeTrustedRequestHosts(issuer: string): string {
  return tokenHosts(issuer)?.described ?? 'none (the issuer is not a URL)';
}

function tokenHosts(issuer: string): TokenHosts | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  const issuerHost = url.hostname;
  if (issuerHost === GITHUB_ISSUER_HOST || GHE_COM_ISSUER_HOST.test(issuerHost)) {
    const suffix = issuerHost.slice('token'.length);
    return { issuerHost, suffix, protocols: ['https:'], described: `https://*${suffix}` };
  }
  const protocols = [...new Set(['https:', url.protocol])];
  return { issuerHost, protocols, described: `${protocols.map((p) => p.replace(':', '')).join(' or ')} on host ${issuerHost}` };
}

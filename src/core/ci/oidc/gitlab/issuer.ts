import { refuse, type Refusal } from '../refusal';
import { DISCOVERY_MAX_BYTES, DISCOVERY_PATH, DISCOVERY_TIMEOUT_MS, GITLAB_OIDC_ISSUER } from './constants';

/** The part of the config read here (a `MonochangeConfig` fits). */
export interface GitlabIssuerConfig {
  file?: string;
  source?: { provider?: string; host?: string; oidc?: { issuer: string } };
}

export interface GitlabIssuerSettings {
  ok: true;
  /** Exact `iss` the token must carry. */
  issuer: string;
  /** Where its OpenID configuration is read (the JWKS location comes from there). */
  discoveryUrl: string;
  isDefault: boolean;
  warnings: string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Which GitLab instance to trust: `[source.oidc] issuer` when set, else `[source] host` of a
 * `provider = "gitlab"` source (self-managed; https only), else GitLab.com. Never the environment
 * (`CI_SERVER_URL` can be set by whoever starts the process).
 */
export function resolveGitlabIssuer(config?: GitlabIssuerConfig): GitlabIssuerSettings | Refusal {
  const file = config?.file ? ` in ${config.file}` : '';
  const oidc = config?.source?.oidc?.issuer;
  if (oidc !== undefined) return fromUrl(oidc, `[source.oidc] issuer${file}`, true);
  const host = config?.source?.provider === 'gitlab' ? config.source.host?.trim() : undefined;
  if (host) return fromUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`, `[source] host${file}`, false);
  return settings(GITLAB_OIDC_ISSUER, true, []);
}

function fromUrl(configured: string, where: string, loopbackHttpAllowed: boolean): GitlabIssuerSettings | Refusal {
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return refuse(
      'oidc.issuer-invalid',
      `${where} is "${configured}", which is not a URL; set it to your GitLab instance (e.g. https://gitlab.example.com) or remove it to use ${GITLAB_OIDC_ISSUER}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return refuse(
      'oidc.issuer-invalid',
      `${where} is "${configured}"; a GitLab issuer is an https:// URL without credentials, query or fragment. Set it to your GitLab instance (e.g. https://gitlab.example.com) or remove it.`,
    );
  }
  if (url.protocol === 'http:' && !(loopbackHttpAllowed && LOOPBACK_HOSTS.has(url.hostname))) {
    return refuse(
      'oidc.issuer-insecure',
      `${where} is "${configured}", a plain http:// issuer on host ${url.hostname}; its signing keys could be swapped in transit, so http:// is accepted only for \`[source.oidc] issuer\` on a loopback host (127.0.0.1, localhost, [::1]). Use the https:// URL of your GitLab instance.`,
    );
  }
  const issuer = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (issuer === GITLAB_OIDC_ISSUER) return settings(issuer, true, []);
  return settings(issuer, false, [
    `GitLab OIDC issuer is ${issuer} (from ${where}), not ${GITLAB_OIDC_ISSUER}: CI identity is only as trustworthy as that instance. Check that it is your GitLab instance.`,
  ]);
}

function settings(issuer: string, isDefault: boolean, warnings: string[]): GitlabIssuerSettings {
  return { ok: true, issuer, discoveryUrl: `${issuer}${DISCOVERY_PATH}`, isDefault, warnings };
}

/**
 * The JWKS location from the issuer's OpenID configuration. The document must name the same issuer
 * and a `jwks_uri` on the issuer's own origin: a discovery answer that points the keys elsewhere
 * would let whoever controls that place sign tokens.
 */
export async function discoverJwksUrl(issuer: GitlabIssuerSettings, fetchImpl: typeof fetch = fetch): Promise<{ ok: true; jwksUrl: string } | Refusal> {
  const where = issuer.discoveryUrl;
  let doc: unknown;
  try {
    const res = await fetchImpl(where, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) {
      return refuse(
        'oidc.discovery-unavailable',
        `Could not read the OpenID configuration of ${issuer.issuer} (${where} answered HTTP ${res.status}). Re-run the job; if it persists, check that the GitLab instance is reachable from the runner.`,
      );
    }
    const text = await res.text();
    if (text.length > DISCOVERY_MAX_BYTES) {
      return refuse(
        'oidc.discovery-invalid',
        `The OpenID configuration at ${where} is larger than ${DISCOVERY_MAX_BYTES} bytes, which no GitLab instance serves; check \`[source] host\` / \`[source.oidc] issuer\`.`,
      );
    }
    doc = JSON.parse(text);
  } catch (error) {
    const e = error as { name?: string; message?: string; cause?: { code?: string } };
    const why = e?.cause?.code === 'ECONNREFUSED' ? 'connection refused' : e?.name === 'SyntaxError' ? 'the answer is not JSON' : (e?.message ?? String(error));
    return refuse(
      'oidc.discovery-unavailable',
      `Could not read the OpenID configuration of ${issuer.issuer} from ${where}: ${why}. Re-run the job; if it persists, check that the GitLab instance is reachable from the runner.`,
    );
  }
  const record = doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
  if (record.issuer !== issuer.issuer) {
    return refuse(
      'oidc.discovery-invalid',
      `The OpenID configuration at ${where} names issuer ${JSON.stringify(record.issuer ?? null)}, not "${issuer.issuer}": it is not that instance's configuration. Check \`[source] host\` / \`[source.oidc] issuer\` in monochange.toml.`,
    );
  }
  const jwksUri = typeof record.jwks_uri === 'string' ? record.jwks_uri : undefined;
  let jwks: URL | undefined;
  try {
    jwks = jwksUri ? new URL(jwksUri) : undefined;
  } catch {
    jwks = undefined;
  }
  if (!jwks || jwks.origin !== new URL(issuer.issuer).origin || jwks.username || jwks.password) {
    return refuse(
      'oidc.discovery-jwks-foreign',
      `The OpenID configuration at ${where} puts the signing keys (jwks_uri) at ${JSON.stringify(jwksUri ?? null)}, which is not on the issuer's own origin ${new URL(issuer.issuer).origin}; keys from elsewhere are never trusted. Check \`[source] host\` / \`[source.oidc] issuer\` in monochange.toml.`,
    );
  }
  return { ok: true, jwksUrl: jwks.href };
}

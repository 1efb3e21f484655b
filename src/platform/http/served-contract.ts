import type { OpenApiDocument } from './openapi';

interface OAuthFlows {
  [flow: string]: { tokenUrl?: string } | undefined;
}

/**
 * The contract as served at /openapi.json: the hand-written files name the
 * OAuth token URL of a development instance (an absolute URL, as OpenAPI
 * requires); the served copy names the one this instance serves, its path
 * under this instance's PUBLIC_BASE_URL (a path prefix included). That URL is
 * exactly what client assertions must carry as `aud`, so integrators and
 * tools read the real one.
 */
export function withServedTokenUrls(doc: OpenApiDocument, publicBaseUrl: string): OpenApiDocument {
  const copy = structuredClone(doc);
  const schemes = (copy.components as { securitySchemes?: Record<string, { type?: string; flows?: OAuthFlows }> } | undefined)
    ?.securitySchemes;
  for (const scheme of Object.values(schemes ?? {})) {
    if (scheme.type !== 'oauth2') continue;
    for (const flow of Object.values(scheme.flows ?? {})) {
      if (flow?.tokenUrl) flow.tokenUrl = `${publicBaseUrl}${new URL(flow.tokenUrl, publicBaseUrl).pathname}`;
    }
  }
  return copy;
}

import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { ROLE_DESCRIPTIONS } from '../../access/roles';
import type { Config } from '../../config';
import type { Logger } from '../../platform/logger';
import { developmentKeyPair, type SigningKeyPair } from '../key-material';
import { PERSON_ROLES, type IdentityProvider, type PersonRole } from './idp-registry';
import { escapeHtml, page } from './saml.pages';
import type { SpUrls } from './sp-metadata';

/**
 * The development identity provider: so that a new developer can sign in
 * right after `npm start`. It issues real SAML responses (assertion and
 * response signed with RSA-SHA256 by its own key) for demo users, one per
 * role, and they go through exactly the checks a real IdP's responses do.
 *
 * Never in production: config refuses DEV_IDP=true there, and samlify (a
 * devDependency) is only required inside createDevIdp.
 */

const DEV_IDP_ID = 'dev';

const ATTR = {
  role: 'urn:cdop:dev:role',
  panel: 'urn:cdop:dev:panel-code',
  ods: 'urn:cdop:dev:agency-ods-code',
  name: 'urn:cdop:dev:display-name',
  email: 'urn:cdop:dev:email',
} as const;

interface DemoUser {
  key: string;
  role: PersonRole;
  displayName: string;
  panelCodes: string[];
  agencyOdsCode?: string;
}

/** One per role; panel WOR and agency RWP come from the development seed (directory.seed.ts). */
export const DEMO_USERS: readonly DemoUser[] = [
  { key: 'coordinator', role: 'cdop_coordinator', displayName: 'Demo CDOP Coordinator', panelCodes: ['WOR'] },
  { key: 'chair', role: 'panel_chair', displayName: 'Demo Panel Chair', panelCodes: ['WOR'] },
  { key: 'member', role: 'panel_member', displayName: 'Demo Panel Member', panelCodes: ['WOR'] },
  { key: 'contributor', role: 'agency_contributor', displayName: 'Demo Agency Contributor', panelCodes: [], agencyOdsCode: 'RWP' },
  { key: 'auditor', role: 'auditor', displayName: 'Demo Auditor', panelCodes: [] },
  { key: 'administrator', role: 'administrator', displayName: 'Demo Administrator', panelCodes: [] },
];

interface DevIdp {
  idp: IdentityProvider;
  /** Mounted before authentication and OpenAPI validation: these pages are a development tool, not API operations. */
  router: Router;
}

export function createDevIdp(deps: { config: Config; log: Logger; urls: SpUrls; sp: SigningKeyPair }): DevIdp {
  const { config, urls } = deps;
  if (config.env === 'production') throw new Error('the development IdP must never run in production');

  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- a devDependency, loaded only in development
  const samlify = require('samlify') as typeof import('samlify');
  // samlify wants an XML schema validator; this IdP only parses our own signed AuthnRequests.
  samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped (development IdP)') });

  const key = developmentKeyPair(config, 'dev-idp', 'CDOP development IdP');
  const entityId = `${config.publicBaseUrl}/dev-idp/metadata`;
  const ssoUrl = `${config.publicBaseUrl}/dev-idp/sso`;
  const acsUrl = urls.acsUrl(DEV_IDP_ID);
  const { wording, namespace } = samlify.Constants;
  const binding = wording.binding;

  const samlIdp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: key.privateKeyPem,
    signingCert: key.certPem,
    wantAuthnRequestsSigned: true,
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    singleSignOnService: [{ Binding: namespace.binding.redirect, Location: ssoUrl }],
    // Declared only to keep samlify quiet: this IdP offers no single logout (POST /auth/logout just ends our session).
    singleLogoutService: [{ Binding: namespace.binding.redirect, Location: `${config.publicBaseUrl}/dev-idp/slo` }],
  });
  const samlSp = samlify.ServiceProvider({
    entityID: urls.entityId,
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    signingCert: deps.sp.certPem,
    assertionConsumerService: [{ Binding: namespace.binding.post, Location: acsUrl }],
  });

  /** Our AuthnRequest, its redirect signature verified with our SP certificate. */
  async function parseRequest(rawQuery: string) {
    const parts = new Map(rawQuery.split('&').map((p) => [p.slice(0, p.indexOf('=')), p] as const));
    const octetString = ['SAMLRequest', 'RelayState', 'SigAlg']
      .map((k) => parts.get(k))
      .filter(Boolean)
      .join('&');
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const parsed = await samlIdp.parseLoginRequest(samlSp, binding.redirect, { query, octetString });
    const requestId = (parsed.extract.request as Record<string, string> | undefined)?.id;
    if (!requestId) throw new Error('no request id');
    return { requestId, relayState: typeof query.RelayState === 'string' ? query.RelayState : undefined };
  }

  const router = Router();

  router.get('/dev-idp/sso', async (req, res) => {
    const rawQuery = rawQueryOf(req);
    try {
      await parseRequest(rawQuery);
    } catch {
      res
        .status(400)
        .type('html')
        .send(page('Development IdP', '<p>This page needs a signed SAML AuthnRequest. Start at <code>/auth/saml/dev/login</code>.</p>'));
      return;
    }
    const buttons = DEMO_USERS.map(
      (u) => `<li><form method="post" action="/dev-idp/sso/login">
<input type="hidden" name="request" value="${escapeHtml(rawQuery)}">
<input type="hidden" name="user" value="${escapeHtml(u.key)}">
<button type="submit">Sign in as ${escapeHtml(u.displayName)}</button> role <code>${escapeHtml(u.role)}</code>${u.panelCodes.length ? `, panel ${escapeHtml(u.panelCodes.join(', '))}` : ''}${u.agencyOdsCode ? `, agency ${escapeHtml(u.agencyOdsCode)}` : ''}<br><small>${escapeHtml(ROLE_DESCRIPTIONS[u.role])}.</small>
</form></li>`,
    ).join('\n');
    res
      .type('html')
      .send(
        page(
          'Development identity provider',
          `<p>Development only: pick a demo user. Each gets a real signed SAML response.</p>\n<ul>\n${buttons}\n</ul>`,
        ),
      );
  });

  router.post('/dev-idp/sso/login', async (req, res) => {
    const form = req.body as { user?: unknown; request?: unknown } | undefined;
    const user = DEMO_USERS.find((u) => u.key === form?.user);
    const rawQuery = typeof form?.request === 'string' ? form.request : '';
    let request: Awaited<ReturnType<typeof parseRequest>>;
    try {
      if (!user) throw new Error('unknown demo user');
      request = await parseRequest(rawQuery);
    } catch {
      res
        .status(400)
        .type('html')
        .send(page('Development IdP', '<p>Unknown demo user or an invalid request. Start again at <code>/auth/saml/dev/login</code>.</p>'));
      return;
    }
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000).toISOString();
    const sessionIndex = `_${randomBytes(16).toString('hex')}`;
    const result = await samlIdp.createLoginResponse(
      samlSp,
      { extract: { request: { id: request.requestId } } },
      binding.post,
      {},
      {
        relayState: request.relayState,
        customTagReplacement: (template: string) => {
          const id = `_${randomBytes(20).toString('hex')}`;
          // XML fragments first, by plain replacement: replaceTagsByValue escapes what it inserts.
          const withStatements = template
            .replace('{AuthnStatement}', authnStatement(now.toISOString(), sessionIndex))
            .replace('{AttributeStatement}', attributeStatement(user));
          const context = samlify.SamlLib.replaceTagsByValue(withStatements, {
            ID: id,
            AssertionID: `_${randomBytes(20).toString('hex')}`,
            Destination: acsUrl,
            Audience: urls.entityId,
            SubjectRecipient: acsUrl,
            Issuer: entityId,
            IssueInstant: now.toISOString(),
            StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
            ConditionsNotBefore: now.toISOString(),
            ConditionsNotOnOrAfter: later,
            SubjectConfirmationDataNotOnOrAfter: later,
            NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
            NameID: `dev-${user.key}`,
            InResponseTo: request.requestId,
          });
          return { id, context };
        },
      },
    );
    deps.log.info({ idpId: DEV_IDP_ID, demoUser: user.key }, 'development IdP issued a SAML response');
    res.type('html').send(
      page(
        'Development identity provider',
        `<p>Signed SAML response for ${escapeHtml(user.displayName)} ready.</p>
<form id="saml-post" method="post" action="${escapeHtml(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(result.context)}">
${request.relayState ? `<input type="hidden" name="RelayState" value="${escapeHtml(request.relayState)}">` : ''}
<button type="submit">Continue</button>
</form>
<script src="/dev-idp/auto-submit.js"></script>`,
      ),
    );
  });

  // An external script: helmet's Content-Security-Policy forbids inline ones.
  router.get('/dev-idp/auto-submit.js', (_req, res) => {
    res.type('application/javascript').send(`document.getElementById('saml-post').submit();`);
  });

  const idp: IdentityProvider = {
    id: DEV_IDP_ID,
    displayName: 'Development IdP (demo users)',
    entityId,
    ssoUrl,
    certs: [key.certPem.trim()],
    attributes: { roles: ATTR.role, panelCodes: ATTR.panel, agencyOdsCode: ATTR.ods, displayName: ATTR.name, email: ATTR.email },
    roleMap: new Map(PERSON_ROLES.map((r) => [r, [r]])),
    requireSignedResponse: true,
  };
  return { idp, router };
}

/** The query string exactly as sent: the redirect binding's signature covers its URL-encoded bytes. */
function rawQueryOf(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i < 0 ? '' : req.originalUrl.slice(i + 1);
}

function authnStatement(instant: string, sessionIndex: string): string {
  return `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${sessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
}

function attributeStatement(u: DemoUser): string {
  const attr = (name: string, values: string[]) =>
    values.length
      ? `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
          .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeHtml(v)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`
      : '';
  return `<saml:AttributeStatement>${[
    attr(ATTR.role, [u.role]),
    attr(ATTR.panel, u.panelCodes),
    attr(ATTR.ods, u.agencyOdsCode ? [u.agencyOdsCode] : []),
    attr(ATTR.name, [u.displayName]),
    attr(ATTR.email, [`${u.key}@dev-idp.invalid`]),
  ].join('')}</saml:AttributeStatement>`;
}

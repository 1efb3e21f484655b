import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SigningKeyPair } from '../key-material';
import type { IdentityProvider } from './idp-registry';

/** Our own URLs, all derived from PUBLIC_BASE_URL. */
export interface SpUrls {
  entityId: string;
  acsUrl(idpId: string): string;
  sloUrl(idpId: string): string;
}

export function spUrls(publicBaseUrl: string): SpUrls {
  return {
    entityId: `${publicBaseUrl}/auth/saml/metadata`,
    acsUrl: (idpId) => `${publicBaseUrl}/auth/saml/${idpId}/acs`,
    sloUrl: (idpId) => `${publicBaseUrl}/auth/saml/${idpId}/slo`,
  };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * Our SP metadata: one AssertionConsumerService per IdP (each IdP answers to
 * its own ACS URL), our signing certificate, and an enveloped RSA-SHA256
 * signature over the whole document. Built once at start-up.
 */
export function buildSpMetadata(urls: SpUrls, idps: readonly IdentityProvider[], sp: SigningKeyPair): string {
  const certBody = sp.certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const slo = idps
    .filter((i) => i.sloUrl)
    .map(
      (i) => `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(urls.sloUrl(i.id))}"/>`,
    );
  const acs = idps.map(
    (i, n) =>
      `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(urls.acsUrl(i.id))}" index="${n}"${n === 0 ? ' isDefault="true"' : ''}/>`,
  );
  const xml =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"` +
    ` ID="_${randomBytes(16).toString('hex')}" entityID="${esc(urls.entityId)}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    slo.join('') +
    acs.join('') +
    `</md:SPSSODescriptor></md:EntityDescriptor>`;

  const sig = new SignedXml({
    privateKey: sp.privateKeyPem,
    publicCert: sp.certPem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: "/*[local-name(.)='EntityDescriptor']",
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: "/*[local-name(.)='EntityDescriptor']", action: 'prepend' } });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${sig.getSignedXml()}`;
}

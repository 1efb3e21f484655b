// The SAML module's public surface.
export { createSamlMechanism } from './saml.mechanism';
export { DEMO_USERS } from './dev-idp';
export type { IdentityProvider } from './idp-registry';
export { SamlAssertionSeenEntity } from './entities/saml-assertion-seen.entity';
export { SamlRequestEntity } from './entities/saml-request.entity';

// The SAML module's public surface.
export { createSamlMechanism } from './saml.mechanism';
export { DEMO_USERS, DEV_IDP_ID } from './dev-idp';
export type { IdentityProvider, IdpRegistry } from './idp-registry';

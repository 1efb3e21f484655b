import type { components } from '../../generated/openapi';

export type CasePack = components['schemas']['CasePack'];
export type CasePackEvent = components['schemas']['CasePackEvent'];
export type CasePackForm = components['schemas']['CasePackForm'];

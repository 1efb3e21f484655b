import type { components } from '../../generated/openapi';

export type Panel = components['schemas']['Panel'];
export type PanelCreate = components['schemas']['PanelCreate'];
export type PanelUpdate = components['schemas']['PanelUpdate'];
export type LocalAuthority = components['schemas']['LocalAuthority'];
export type Agency = components['schemas']['Agency'];
export type AgencyCreate = components['schemas']['AgencyCreate'];
export type AgencyUpdate = components['schemas']['AgencyUpdate'];
export type AgencyType = components['schemas']['AgencyType'];

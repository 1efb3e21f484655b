// The directory module's public surface: other modules import only from here.
export { createDirectoryService } from './directory.service';
export { directoryRouter } from './directory.routes';
export { seedDirectoryForDevelopment } from './directory.seed';
export { AgencyEntity } from './entities/agency.entity';
export { PanelEntity } from './entities/panel.entity';
export { PanelLocalAuthorityEntity } from './entities/panel-local-authority.entity';
export {
  activeAgencyIdByOdsCode,
  findPanelRef,
  panelIdsByCode,
  resolveActiveAgency,
  resolveRouting,
  unknownPanelIds,
  type AgencyRef,
  type PanelRef,
} from './directory.lookups';

// The directory module's public surface: other modules import only from here.
export { createDirectoryService, type DirectoryService } from './directory.service';
export { directoryRouter } from './directory.routes';
export { seedDirectoryForDevelopment } from './directory.seed';
export type { Agency, AgencyType, Panel } from './directory.types';

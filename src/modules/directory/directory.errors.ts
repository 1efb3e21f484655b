import { conflict } from '../../platform/http/problem';

export const panelCodeTaken = () => conflict('PANEL.CODE_TAKEN', 'Another panel already uses this code.');
export const localAuthorityTaken = () =>
  conflict('PANEL.LOCAL_AUTHORITY_TAKEN', 'A local authority in the list is already covered by another panel.');
export const odsCodeTaken = () => conflict('AGENCY.ODS_CODE_TAKEN', 'Another agency already has this ODS code.');
export const stillReferenced = (what: string) =>
  conflict('DIRECTORY.IN_USE', `The ${what} is referred to by other records and cannot be deleted.`);

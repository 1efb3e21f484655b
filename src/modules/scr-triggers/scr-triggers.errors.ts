import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem';
import type { FlagAction } from './flag-rules';

// One message for "does not exist" and "not in your scope": a 404 must not confirm that a flag exists.
export const flagNotFound = () => notFound('The flag', 'SCR.FLAG_NOT_FOUND');
export const panelNotFound = () => notFound('The panel', 'PANEL.NOT_FOUND');
export const flagActionNotAllowed = (detail: string, allowedActions: readonly FlagAction[]) =>
  conflict('SCR.FLAG_ACTION_NOT_ALLOWED', detail, { allowedActions });
export const caseNotOnPanel = () =>
  conflict('SCR.CASE_NOT_ON_PANEL', 'The case is in the unassigned queue: assign it to a panel before referring it for a review.');
export const flagInvalid = (errors: FieldError[]) =>
  badRequest(
    `The request breaks ${errors.length} rule${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.field).join(', ')}.`,
    errors,
    'SCR.INVALID',
  );

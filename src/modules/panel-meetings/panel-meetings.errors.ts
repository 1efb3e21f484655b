import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem';

// One message for "does not exist" and "not yours": a 404 must not confirm that a meeting or case exists.
export const meetingNotFound = () => notFound('The panel meeting', 'MEETING.NOT_FOUND');
export const panelNotFound = () => notFound('The panel', 'PANEL.NOT_FOUND');
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');
export const memberNotFound = () => notFound('The member of the meeting', 'MEETING.MEMBER_NOT_FOUND');
export const agendaItemNotFound = () => notFound('The case on the agenda', 'AGENDA.ITEM_NOT_FOUND');

export const meetingNotScheduled = (status: string) =>
  conflict('MEETING.NOT_SCHEDULED', `The meeting is ${status}; only a scheduled meeting can be changed or cancelled.`, { status });
export const meetingCancelled = () =>
  conflict('MEETING.CANCELLED', 'The meeting was cancelled; it takes no members, attendance or agenda items.');
export const memberExists = () => conflict('MEETING.MEMBER_EXISTS', 'This person is invited to the meeting already.');
export const caseNotReady = (status: string) =>
  conflict('AGENDA.CASE_NOT_READY', `The case is ${status}; only a case ready for panel can go on an agenda.`, { caseStatus: status });
export const caseOfAnotherPanel = () =>
  conflict('AGENDA.CASE_OF_ANOTHER_PANEL', "The case belongs to another panel; only the meeting's own panel's cases go on its agenda.");
export const caseOnAnotherAgenda = () => conflict('AGENDA.CASE_ALREADY_SCHEDULED', 'The case is on the agenda of an open meeting already.');
export const recusalExists = () => conflict('RECUSAL.EXISTS', 'This member is recused from the case already (a recusal is permanent).');
export const caseClosed = () => conflict('CASE.CLOSED', 'The case is closed; it takes no review meetings.');

export const onlyCoordinatorsNameOthers = () =>
  forbidden('Only a CDOP coordinator may record a conflict of interest for someone else.', 'RECUSAL.NOT_COORDINATOR');
export const notAPanelRole = () =>
  forbidden('Only a panel member or chair declares a conflict of interest of their own.', 'RECUSAL.NOT_A_PANEL_MEMBER');

export const placeInvalid = (field: string, message: string) =>
  badRequest('Give either a location, or online: true with an optional joining link.', [{ field, message }], 'MEETING.PLACE_INVALID');
export const notAPanelMember = (field = 'body.userId') =>
  badRequest(
    "The person is not a panel member, chair or coordinator of the meeting's panel.",
    [{ field, message: 'is not a member of this panel' }],
    'MEETING.NOT_A_PANEL_MEMBER',
  );
export const capacityNotHeld = () =>
  badRequest(
    'Only a panel chair sits in the capacity of chair.',
    [{ field: 'body.capacity', message: 'the person is not a panel chair' }],
    'MEETING.CAPACITY_NOT_HELD',
  );
export const notARecusableMember = () =>
  badRequest(
    "The person is not a panel member or chair of the case's panel.",
    [{ field: 'body.userId', message: "is not a member of the case's panel" }],
    'RECUSAL.NOT_A_PANEL_MEMBER',
  );
export const unknownAgency = (field: string) =>
  badRequest('Unknown agency.', [{ field, message: 'no such agency' }], 'REVIEW_MEETING.UNKNOWN_AGENCY');
export const heldInFuture = () =>
  badRequest(
    'A review meeting is recorded once held.',
    [{ field: 'body.heldOn', message: 'is after today' }],
    'REVIEW_MEETING.NOT_HELD_YET',
  );
export const badRange = () => badRequest('`from` must be before `to`.', [{ field: 'query.from', message: 'is not before to' }]);

import type { FieldError } from '../../platform/http/problem';
import { isCalendarDate } from '../../platform/http/formats';
import type { LocalDate } from '../../platform/time';
import type { LearningActionStatus } from './entities';
import { REASON_REQUIRED, REGIMES } from './review-workflow';
import type { SafeguardingReviewActionRequest, SafeguardingReviewLearningCreate } from './safeguarding-reviews.types';

/** Pure checks the contract cannot express. Errors name the field, never its value. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `open` is given by the module that refers a flag (scr-triggers): its fields, named as the referral's body. */
export function referralErrors(
  input: { caseId: string; regime: string; flagIds: readonly string[]; ruleIds: readonly string[]; awareOn: string; reason?: string },
  today: LocalDate,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!UUID.test(input.caseId)) errors.push({ field: 'body.caseId', message: 'must be a uuid' });
  if (!(REGIMES as readonly string[]).includes(input.regime))
    errors.push({ field: 'body.regime', message: `must be one of ${REGIMES.join(', ')}` });
  if (!input.flagIds.length || !input.flagIds.every((f) => UUID.test(f))) {
    errors.push({ field: 'body.flagIds', message: 'must name at least one flag, by id' });
  }
  if (input.ruleIds.some((r) => !r.trim())) errors.push({ field: 'body.ruleIds', message: 'must not contain a blank rule id' });
  if (!isCalendarDate(input.awareOn)) errors.push({ field: 'body.awareOn', message: 'must be a calendar date (YYYY-MM-DD)' });
  else if (input.awareOn > today) errors.push({ field: 'body.awareOn', message: 'must not be in the future' });
  if (input.reason !== undefined && !input.reason.trim()) errors.push({ field: 'body.reason', message: 'must not be blank' });
  return errors;
}

/** The action's fields: a reason for (and only for) the decisions; no blank text. */
export function actionRequestErrors(body: SafeguardingReviewActionRequest): FieldError[] {
  const errors: FieldError[] = [];
  const needsReason = REASON_REQUIRED.has(body.action);
  if (needsReason && (body.reason === undefined || !body.reason.trim())) {
    errors.push({ field: 'body.reason', message: `is required for ${body.action}` });
  }
  if (!needsReason && body.reason !== undefined) errors.push({ field: 'body.reason', message: `is not used by ${body.action}` });
  if (body.note !== undefined && !body.note.trim()) errors.push({ field: 'body.note', message: 'must not be blank' });
  return errors;
}

/** A learning point takes a description only; an action an owner agency and, optionally, a due date (not in the past). */
export function learningErrors(body: SafeguardingReviewLearningCreate, today: LocalDate): FieldError[] {
  const errors: FieldError[] = [];
  if (!body.description.trim()) errors.push({ field: 'body.description', message: 'must not be blank' });
  if (body.kind === 'learning_point') {
    if (body.ownerAgencyId !== undefined) errors.push({ field: 'body.ownerAgencyId', message: 'is not used by a learning point' });
    if (body.dueDate !== undefined) errors.push({ field: 'body.dueDate', message: 'is not used by a learning point' });
  } else {
    if (body.ownerAgencyId === undefined) errors.push({ field: 'body.ownerAgencyId', message: 'is required for an action' });
    if (body.dueDate !== undefined && !isCalendarDate(body.dueDate)) {
      errors.push({ field: 'body.dueDate', message: 'must be a calendar date (YYYY-MM-DD)' });
    } else if (body.dueDate !== undefined && body.dueDate < today) {
      errors.push({ field: 'body.dueDate', message: 'must be today or later' });
    }
  }
  return errors;
}

/** The IMR request's fields: exactly one of agencyId or agencyOdsCode; a real, not past, due date; a scope. */
export function imrRequestErrors(
  body: { agencyId?: string; agencyOdsCode?: string; dueDate?: string; scope: string },
  today: LocalDate,
): FieldError[] {
  const errors: FieldError[] = [];
  if ((body.agencyId === undefined) === (body.agencyOdsCode === undefined)) {
    errors.push({ field: 'body.agencyId', message: 'give exactly one of agencyId or agencyOdsCode' });
  }
  if (body.dueDate !== undefined && !isCalendarDate(body.dueDate)) {
    errors.push({ field: 'body.dueDate', message: 'must be a calendar date (YYYY-MM-DD)' });
  } else if (body.dueDate !== undefined && body.dueDate < today) {
    errors.push({ field: 'body.dueDate', message: 'must be today or later' });
  }
  if (!body.scope.trim()) errors.push({ field: 'body.scope', message: 'must not be blank' });
  return errors;
}

const ACTIVE_LEARNING_STATUSES: readonly LearningActionStatus[] = ['open', 'in_progress'];

/** An action due before today and still open or in progress; a learning point is never overdue. */
export function isLearningOverdue(l: { due_on: string | null; status: LearningActionStatus | null }, today: LocalDate): boolean {
  return l.due_on !== null && l.status !== null && ACTIVE_LEARNING_STATUSES.includes(l.status) && l.due_on < today;
}

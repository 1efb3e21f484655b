import type { FieldError } from '../../platform/http/problem';
import type { CaseStatus } from '../cases';
import type { CaseFamilyUpdate, FamilyContactCreate } from './family.types';

/**
 * The family's rules the contract cannot say (docs/domain.md, "The family"):
 * pure functions over a validated body, returning the fields that break them.
 * The contract has already checked shapes, lengths, formats (e-mail, calendar
 * dates) and vocabularies; these are the rules between fields and against today.
 * Messages name the rule, never the value (values are personal data).
 */

const blank = (s: string | null | undefined) => typeof s === 'string' && s.trim() === '';

/** Dates that matter to people are Europe/London dates; `today` is one ('YYYY-MM-DD' compares as text). */
const inFuture = (date: string, today: string) => date > today;

export function familyUpdateErrors(body: CaseFamilyUpdate, today: string): FieldError[] {
  const errors: FieldError[] = [];
  const kw = body.keyWorker;
  if (kw) {
    for (const field of ['name', 'role', 'agency'] as const) {
      if (blank(kw[field])) errors.push({ field: `body.keyWorker.${field}`, message: 'must not be blank' });
    }
    if (!kw.phone && !kw.email) {
      errors.push({ field: 'body.keyWorker.phone', message: 'a key worker needs a phone number or an e-mail address' });
    }
  }
  const bs = body.bereavementSupport;
  const offered = bs.offered === 'yes' || bs.offered === 'declined';
  if (offered) {
    if (!bs.offeredOn) errors.push({ field: 'body.bereavementSupport.offeredOn', message: 'required when support was offered' });
    else if (inFuture(bs.offeredOn, today))
      errors.push({ field: 'body.bereavementSupport.offeredOn', message: 'must not be in the future' });
    if (blank(bs.agency)) errors.push({ field: 'body.bereavementSupport.agency', message: 'must not be blank' });
  } else {
    if (bs.offeredOn) errors.push({ field: 'body.bereavementSupport.offeredOn', message: `not taken when support is ${bs.offered}` });
    if (bs.agency) errors.push({ field: 'body.bereavementSupport.agency', message: `not taken when support is ${bs.offered}` });
  }
  return errors;
}

export function contactErrors(body: FamilyContactCreate, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (inFuture(body.contactedOn, today)) errors.push({ field: 'body.contactedOn', message: 'must not be in the future' });
  for (const field of ['byAgency', 'byRole', 'summary'] as const) {
    if (blank(body[field])) errors.push({ field: `body.${field}`, message: 'must not be blank' });
  }
  return errors;
}

export function textErrors(field: string, value: string): FieldError[] {
  return blank(value) ? [{ field, message: 'must not be blank' }] : [];
}

/**
 * Sign-off moves the case to "reviewed" (docs/domain.md): from then on the
 * family's questions and the panel's answers are part of the signed-off review
 * and no longer change. A case reopened goes back to gathering information,
 * and its questions may be answered again.
 */
export function reviewSignedOff(status: CaseStatus): boolean {
  return status === 'reviewed' || status === 'closed';
}

import type { FieldError } from '../../platform/http/problem';
import { badRequest } from '../../platform/http/problem';
import { londonDateOf, NonexistentLondonTimeError, resolveLondonLocalTime, type LondonLocalTime } from '../../platform/time';
import type { AgencyRef } from '../directory';
import { NHS_NUMBER_PROBLEMS, parseNhsNumber, type NhsNumberPolicy } from './nhs-number';
import type { NotificationCreate } from './notifications.types';

export interface ValidatedNotification {
  nhsNumber: string | null;
  /** The instant of death when a time was given (the earlier one for a time the autumn clock change repeats). */
  timeOfDeath: LondonLocalTime | null;
  /** The notifier's agency, then each agency involved, as the request named them. */
  notifierAgency: AgencyRef;
  agenciesInvolved: AgencyRef[];
}

/**
 * The rules of the notification form that JSON Schema cannot say. All
 * problems are collected and reported together, each naming its field.
 */
export function validateNotification(n: NotificationCreate, now: Date, nhsPolicy: NhsNumberPolicy): ValidatedNotification {
  const errors: FieldError[] = [];
  const today = londonDateOf(now);
  let nhsNumber: string | null = null;
  let notAChild = false;

  if (n.child.nhsNumber !== undefined) {
    const parsed = parseNhsNumber(n.child.nhsNumber, nhsPolicy);
    if (parsed.ok) nhsNumber = parsed.value;
    else errors.push({ field: 'body.child.nhsNumber', message: NHS_NUMBER_PROBLEMS[parsed.reason], code: `nhs_number_${parsed.reason}` });
    if (n.child.nhsNumberExceptionReason !== undefined) {
      errors.push({
        field: 'body.child.nhsNumberExceptionReason',
        message: 'give either an NHS number or the reason there is none, not both',
      });
    }
  } else if (n.child.nhsNumberExceptionReason === undefined) {
    errors.push({
      field: 'body.child.nhsNumber',
      message: 'is required unless nhsNumberExceptionReason says why there is none',
      code: 'required',
    });
  }

  const dob = n.child.dateOfBirth;
  const dod = n.death.dateOfDeath;
  if (dod > today) errors.push({ field: 'body.death.dateOfDeath', message: 'must not be in the future' });
  if (dob > dod) errors.push({ field: 'body.child.dateOfBirth', message: 'must not be after the date of death' });
  else if (!beforeEighteenthBirthday(dob, dod)) notAChild = true;
  if (n.notifiedOn > today) errors.push({ field: 'body.notifiedOn', message: 'must not be in the future' });
  if (n.notifiedOn < dod) errors.push({ field: 'body.notifiedOn', message: 'must not be before the date of death' });

  const jar = n.death.jointAgencyResponse;
  if (jar.triggered && !jar.reasons?.length) {
    errors.push({ field: 'body.death.jointAgencyResponse.reasons', message: 'say why a Joint Agency Response was triggered' });
  }
  if (!jar.triggered && jar.reasons?.length) {
    errors.push({ field: 'body.death.jointAgencyResponse.reasons', message: 'must be empty when no Joint Agency Response was triggered' });
  }
  if (n.alert?.hasConcerns && !n.alert.details?.trim()) {
    errors.push({ field: 'body.alert.details', message: 'describe the concerns' });
  }

  let timeOfDeath: LondonLocalTime | null = null;
  if (n.death.timeOfDeath !== undefined) {
    try {
      timeOfDeath = resolveLondonLocalTime(dod, n.death.timeOfDeath, 'body.death.timeOfDeath');
    } catch (err) {
      if (!(err instanceof NonexistentLondonTimeError)) throw err;
      errors.push({
        field: 'body.death.timeOfDeath',
        message: `did not happen in London on ${dod}: the clocks went forward from 01:00 to 02:00`,
        code: 'nonexistent_local_time',
      });
    }
  }

  const notifierAgency = agencyRef(n.notifier, 'body.notifier', errors);
  const agenciesInvolved = n.agenciesInvolved.map((a, i) => agencyRef(a, `body.agenciesInvolved[${i}]`, errors));

  if (errors.length) throw badRequest(`${errors.length} field${errors.length === 1 ? '' : 's'} failed validation.`, errors);
  if (notAChild) {
    throw badRequest(
      'The child review process covers deaths before the 18th birthday.',
      [{ field: 'body.child.dateOfBirth', message: 'the child was 18 or over at the date of death' }],
      'NOTIFICATION.NOT_A_CHILD',
    );
  }
  return { nhsNumber, timeOfDeath, notifierAgency, agenciesInvolved };
}

function beforeEighteenthBirthday(dob: string, dod: string): boolean {
  const [y, m, d] = dob.split('-');
  // Born 29 February: the 18th birthday is 1 March in a non-leap year (as in English law).
  const eighteenth = `${Number(y) + 18}-${m}-${d}`;
  const valid =
    !Number.isNaN(Date.parse(`${eighteenth}T00:00:00Z`)) && new Date(`${eighteenth}T00:00:00Z`).toISOString().startsWith(eighteenth);
  return dod < (valid ? eighteenth : `${Number(y) + 18}-03-01`);
}

/** An agency named by exactly one of its id or its ODS code. */
function agencyRef(a: { agencyId?: string; agencyOdsCode?: string }, at: string, errors: FieldError[]): AgencyRef {
  if (a.agencyId !== undefined && a.agencyOdsCode !== undefined) {
    errors.push({ field: `${at}.agencyOdsCode`, message: 'name the agency by agencyId or by agencyOdsCode, not both', code: 'one_of' });
  } else if (a.agencyId === undefined && a.agencyOdsCode === undefined) {
    errors.push({ field: `${at}.agencyId`, message: "is required (or agencyOdsCode: the agency's ODS code)", code: 'required' });
  }
  return a.agencyId !== undefined ? { id: a.agencyId } : { odsCode: a.agencyOdsCode ?? '' };
}

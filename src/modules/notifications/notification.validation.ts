import type { FieldError } from '../../platform/http/problem';
import { badRequest } from '../../platform/http/problem';
import { londonDateOf } from '../../platform/time';
import { parseNhsNumber } from './nhs-number';
import type { NotificationCreate } from './notifications.types';

export interface ValidatedChild {
  nhsNumber: string | null;
}

/**
 * The rules of the notification form that JSON Schema cannot say. All
 * problems are collected and reported together, each naming its field.
 */
export function validateNotification(n: NotificationCreate, now: Date): ValidatedChild {
  const errors: FieldError[] = [];
  const today = londonDateOf(now);
  let nhsNumber: string | null = null;
  let notAChild = false;

  if (n.child.nhsNumber !== undefined) {
    const parsed = parseNhsNumber(n.child.nhsNumber);
    if (parsed.ok) nhsNumber = parsed.value;
    else
      errors.push({
        field: 'body.child.nhsNumber',
        message: parsed.reason === 'format' ? 'must be 10 digits (spaces allowed)' : 'fails the NHS number check digit (Modulus 11)',
        code: parsed.reason === 'format' ? 'nhs_number_format' : 'nhs_number_checksum',
      });
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

  if (errors.length) throw badRequest(`${errors.length} field${errors.length === 1 ? '' : 's'} failed validation.`, errors);
  if (notAChild) {
    throw badRequest(
      'The child review process covers deaths before the 18th birthday.',
      [{ field: 'body.child.dateOfBirth', message: 'the child was 18 or over at the date of death' }],
      'NOTIFICATION.NOT_A_CHILD',
    );
  }
  return { nhsNumber };
}

function beforeEighteenthBirthday(dob: string, dod: string): boolean {
  const [y, m, d] = dob.split('-');
  // Born 29 February: the 18th birthday is 1 March in a non-leap year (as in English law).
  const eighteenth = `${Number(y) + 18}-${m}-${d}`;
  const valid =
    !Number.isNaN(Date.parse(`${eighteenth}T00:00:00Z`)) && new Date(`${eighteenth}T00:00:00Z`).toISOString().startsWith(eighteenth);
  return dod < (valid ? eighteenth : `${Number(y) + 18}-03-01`);
}

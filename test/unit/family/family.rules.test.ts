import { CASE_STATUSES } from '../../../src/modules/cases';
import { contactErrors, familyUpdateErrors, reviewSignedOff, textErrors } from '../../../src/modules/family/family.rules';
import type { CaseFamilyUpdate, FamilyContactCreate } from '../../../src/modules/family/family.types';

const TODAY = '2026-11-30';
const keyWorker = { name: 'Jo Example', role: 'Key worker', agency: null, phone: '01905 000000', email: null };
const family = (over: Partial<CaseFamilyUpdate> = {}): CaseFamilyUpdate => ({
  keyWorker,
  bereavementSupport: { offered: 'yes', offeredOn: '2026-11-29', agency: 'Hospital' },
  ...over,
});
const fields = (errors: { field: string }[]) => errors.map((e) => e.field);

describe('familyUpdateErrors', () => {
  it.each<[string, CaseFamilyUpdate, string[]]>([
    ['a key worker with a phone, support offered yesterday', family(), []],
    ['a key worker with an e-mail only', family({ keyWorker: { ...keyWorker, phone: null, email: 'jo@x.example' } }), []],
    ['no key worker named yet', { bereavementSupport: { offered: 'no' } }, []],
    ['a key worker with neither phone nor e-mail', family({ keyWorker: { ...keyWorker, phone: null } }), ['body.keyWorker.phone']],
    [
      'a blank name and role',
      family({ keyWorker: { ...keyWorker, name: ' ', role: '\t' } }),
      ['body.keyWorker.name', 'body.keyWorker.role'],
    ],
    ['a blank agency', family({ keyWorker: { ...keyWorker, agency: '  ' } }), ['body.keyWorker.agency']],
    ['support offered today', family({ bereavementSupport: { offered: 'yes', offeredOn: TODAY } }), []],
    [
      'support offered tomorrow',
      family({ bereavementSupport: { offered: 'yes', offeredOn: '2026-12-01' } }),
      ['body.bereavementSupport.offeredOn'],
    ],
    ['support offered, no date', family({ bereavementSupport: { offered: 'yes' } }), ['body.bereavementSupport.offeredOn']],
    ['support declined, with its date', family({ bereavementSupport: { offered: 'declined', offeredOn: '2026-11-01', agency: null } }), []],
    [
      'support declined, no date',
      family({ bereavementSupport: { offered: 'declined', offeredOn: null } }),
      ['body.bereavementSupport.offeredOn'],
    ],
    [
      'support offered by a blank agency',
      family({ bereavementSupport: { offered: 'yes', offeredOn: TODAY, agency: ' ' } }),
      ['body.bereavementSupport.agency'],
    ],
    ['support not offered', family({ bereavementSupport: { offered: 'no' } }), []],
    ['support not known, with nulls', family({ bereavementSupport: { offered: 'not_known', offeredOn: null, agency: null } }), []],
    [
      'support not offered, yet a date and agency',
      family({ bereavementSupport: { offered: 'no', offeredOn: TODAY, agency: 'Hospital' } }),
      ['body.bereavementSupport.offeredOn', 'body.bereavementSupport.agency'],
    ],
    [
      'support not known, yet a date',
      family({ bereavementSupport: { offered: 'not_known', offeredOn: TODAY } }),
      ['body.bereavementSupport.offeredOn'],
    ],
  ])('when %s, then the fields refused are %j', (_name, body, expected) => {
    expect(fields(familyUpdateErrors(body, TODAY))).toEqual(expected);
  });

  it('when a rule is broken, then the message names the rule, never the value', () => {
    const errors = familyUpdateErrors(family({ keyWorker: { ...keyWorker, name: ' ', phone: null, email: null } }), TODAY);
    expect(JSON.stringify(errors)).not.toContain('Jo Example');
    expect(errors.every((e) => e.message.length > 0)).toBe(true);
  });
});

describe('contactErrors', () => {
  const contact = (over: Partial<FamilyContactCreate> = {}): FamilyContactCreate => ({
    contactedOn: TODAY,
    method: 'phone',
    byAgency: 'Hospital',
    byRole: 'Key worker',
    summary: 'Phoned the family.',
    ...over,
  });
  it.each<[string, FamilyContactCreate, string[]]>([
    ['a contact today', contact(), []],
    ['a contact last year, no agency', contact({ contactedOn: '2025-06-01', byAgency: null }), []],
    ['a contact tomorrow', contact({ contactedOn: '2026-12-01' }), ['body.contactedOn']],
    ['a blank summary and role', contact({ summary: '  ', byRole: ' ' }), ['body.byRole', 'body.summary']],
    ['a blank agency', contact({ byAgency: ' ' }), ['body.byAgency']],
  ])('when %s, then the fields refused are %j', (_name, body, expected) => {
    expect(fields(contactErrors(body, TODAY))).toEqual(expected);
  });
});

describe('textErrors', () => {
  it.each([
    ['Why?', []],
    [' ', ['body.question']],
    ['\n\t', ['body.question']],
  ])('when the text is %j, then the fields refused are %j', (text, expected) => {
    expect(fields(textErrors('body.question', text))).toEqual(expected);
  });
});

describe('reviewSignedOff', () => {
  it.each(CASE_STATUSES.map((s) => [s, s === 'reviewed' || s === 'closed'] as const))(
    'when the case is %s, then signed off is %s',
    (status, expected) => {
      expect(reviewSignedOff(status)).toBe(expected);
    },
  );
});

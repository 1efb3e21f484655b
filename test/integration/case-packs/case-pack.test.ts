import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { exampleAnswers, findTemplate } from '../../../src/modules/agency-forms/catalogue';
import { startTestApp, type TestApp } from '../../support/app';
import { administrator, COMPLETE_LOCAL_ANSWERS, LOCAL_TEMPLATE, publishLocalTemplate } from '../../support/forms';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { seedPerson } from '../../support/meetings';
import { pdfText } from '../../support/pdf';
import { as, principal } from '../../support/principals';

// Who may read a case's pack (GET /v1/cases/{caseId}/pack, reviews:read):
// - the case's panel: CDOP coordinators, panel chairs and panel members (200, JSON or PDF);
// - coordinators, chairs and members of another panel: 404, as if the case did not exist;
// - a member or chair recused from the case (a declared conflict of interest): 403 REVIEW.RECUSED, audited as denied;
// - agency contributors, agency systems, auditors, administrators: 403 (no reviews:read);
// - anonymous: 401.

let t: TestApp;
let dir: Directory;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await seedNationalTemplates(t.ds);
  await publishLocalTemplate(t.app);
  await publishPackTemplate();
});

const OTHER_PANEL = '00000000-0000-4000-8000-000000000001';
const coordinator = () => as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
const chair = () => as(principal('panel_chair', { panelIds: [dir.panelId] }));
const member = () => as(principal('panel_member', { panelIds: [dir.panelId] }));
const userOf = (agencyId: string) => as(principal('agency_contributor', { agencyId }));

// --- the canaries: unusual enough that any trace of them in a pack is a leak --------------------------------------

const CANARY = {
  given: 'Xanthippé',
  family: 'Quillfeather-Órla',
  alsoGiven: 'Pimpernella',
  alsoFamily: 'Brackenwhistle',
  mother: { givenName: 'Brünhilde', familyName: 'Zephyrine' },
  father: { givenName: 'Corvinus', familyName: 'Quillfeather-Órla' },
  nhs: nhsNumberFrom(731_559_204),
  dob: '2019-07-23',
  dod: '2026-10-30',
  postcode: 'WR9 9ZQ',
  lines: ['Flat 7 Wyvernholt Mansions', '99 Zibbleton Crescent'],
  contact: 'Ottoline Vexworth',
};
const NHS_SPACED = `${CANARY.nhs.slice(0, 3)} ${CANARY.nhs.slice(3, 6)} ${CANARY.nhs.slice(6)}`;

/** Free text an agency might write, with every canary in a different disguise. */
const CANARY_TEXT = [
  `XANTHIPPE QUILLFEATHER-ORLA (also known as Pimpernella Brackenwhistle) was seen with her mother Brünhilde Zephyrine.`,
  `Xanthippé's father, Mr Quillfeather Orla, and Mrs ZEPHYRINE attended; Corvinus' car was outside.`,
  `Xanthippe’s NHS number is ${NHS_SPACED} (${CANARY.nhs}; ${CANARY.nhs.slice(0, 5)} ${CANARY.nhs.slice(5)}).`,
  `Born 23/07/2019 (23rd July 2019, July 23, 2019, 2019-07-23, 23.7.19).`,
  `Home: Flat 7, Wyvernholt Mansions, 99 Zibbleton Crescent, WR9 9ZQ (wr99zq).`,
  `Call 01905 765432 or +44 7700 900461; e-mail brunhilde.zephyrine@example.org. Ottoline Vexworth took the call.`,
  `pimpernella said quillfeather-órla's dog barked; brackenwhistle family were away.`,
].join(' ');

/** Short disguises for the national forms' shorter text questions. */
const SHORT_CANARIES = ['Xanthippé Quillfeather-Órla', "Brünhilde's flat", 'WR9 9ZQ', NHS_SPACED, '23/07/2019', 'Pimpernella', 'ZEPHYRINE'];

/** Every form a canary may take, matched on the text folded to lower case without accents. */
const FOLDED_CANARIES = [
  'xanthippe',
  'quillfeather',
  'pimpernella',
  'brackenwhistle',
  'brunhilde',
  'zephyrine',
  'corvinus',
  'wyvernholt',
  'zibbleton',
  'vexworth',
  'ottoline',
  '2019-07-23',
  '23/07/2019',
  '23.7.19',
  '23rd july 2019',
  'july 23, 2019',
  '01905 765432',
  '7700 900461',
  'example.org',
];
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function expectNoCanary(text: string): void {
  const folded = fold(text);
  for (const c of FOLDED_CANARIES) expect({ canary: c, found: folded.includes(c) }).toEqual({ canary: c, found: false });
  const digits = new RegExp([...CANARY.nhs].join('[\\s\\-.]*'));
  expect(digits.test(text)).toBe(false);
  expect(folded.replace(/\s+/g, '')).not.toContain('wr99zq');
}

// A local template with identifying questions (which a pack leaves out) and a long narrative.
const PACK_TEMPLATE = {
  id: 'pack-canary',
  kind: 'supplementary' as const,
  title: 'Agency narrative (local)',
  description: 'A local form with identifying questions, for the case pack tests.',
  effectiveFrom: '2026-04-01',
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['childFullName', 'nhsNumber', 'homePostcode', 'parentEmail', 'parentPhone', 'dateOfBirth', 'concerns', 'narrative'],
    properties: {
      childFullName: { type: 'string', maxLength: 200 },
      nhsNumber: { type: 'string', maxLength: 20 },
      homePostcode: { type: 'string', maxLength: 10 },
      parentEmail: { type: 'string', format: 'email', maxLength: 200 },
      parentPhone: { type: 'string', maxLength: 30 },
      dateOfBirth: { type: 'string', format: 'date' },
      concerns: { enum: ['yes', 'no', 'not_known'] },
      narrative: { type: 'string', maxLength: 8000 },
    },
    additionalProperties: false,
  },
  display: {
    sections: [
      {
        id: 'who',
        title: 'Who',
        fields: [
          { pointer: '/childFullName', label: 'Child’s full name' },
          { pointer: '/nhsNumber', label: 'NHS number' },
          { pointer: '/homePostcode', label: 'Home postcode' },
          { pointer: '/parentEmail', label: 'Parent’s e-mail' },
          { pointer: '/parentPhone', label: 'Parent’s telephone' },
          { pointer: '/dateOfBirth', label: 'Date of birth' },
        ],
      },
      {
        id: 'what',
        title: 'What happened',
        fields: [
          { pointer: '/concerns', label: 'Were there concerns?' },
          { pointer: '/narrative', label: 'Narrative' },
        ],
      },
    ],
  },
};

async function publishPackTemplate(): Promise<void> {
  const created = await request(t.app).post('/v1/form-templates').set(administrator()).send(PACK_TEMPLATE);
  expect(created.status).toBe(201);
  expect((await request(t.app).post(`/v1/form-templates/${PACK_TEMPLATE.id}/versions/1/publish`).set(administrator())).status).toBe(200);
}

let seq = 0;
async function notify(over: { canary?: boolean } = {}): Promise<string> {
  seq++;
  const body = notification(dir, { nhsNumber: nhsNumberFrom(5_000 + seq * 17), dateOfDeath: CANARY.dod });
  if (over.canary) {
    body.child.nhsNumber = NHS_SPACED;
    body.child.name = { givenName: CANARY.given, familyName: CANARY.family };
    body.child.alternativeNames = [{ givenName: CANARY.alsoGiven, familyName: CANARY.alsoFamily }];
    body.child.dateOfBirth = CANARY.dob;
    body.child.address = { lines: CANARY.lines, town: 'Worcester', postcode: CANARY.postcode };
    body.parentalResponsibility = [
      { name: CANARY.mother, relationship: 'mother', address: { lines: CANARY.lines, postcode: CANARY.postcode } },
      { name: CANARY.father, relationship: 'father' },
    ];
    body.agenciesInvolved[0]!.contactName = CANARY.contact;
    body.notifier.name = CANARY.contact;
  }
  const res = await request(t.app)
    .post('/v1/notifications')
    .set(as(principal('hospital_system', { agencyId: dir.hospitalId })))
    .set('Idempotency-Key', `pack-${seq}-${Date.now()}`)
    .send(body);
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

async function requestAndSubmit(caseId: string, agencyId: string, templateId: string, answers: unknown): Promise<void> {
  const asked = await request(t.app).post(`/v1/cases/${caseId}/form-requests`).set(coordinator()).send({ agencyId, templateId });
  expect(asked.status).toBe(201);
  const submitted = await request(t.app)
    .post(`/v1/form-requests/${asked.body.id}/submit`)
    .set(userOf(agencyId))
    .set('Idempotency-Key', `submit-${asked.body.id}`)
    .send({ templateVersion: 1, answers });
  expect(submitted.status).toBe(201);
}

/** The national reporting form with every example text answer replaced by a disguised canary. */
function reportingWithCanaries(): Record<string, unknown> {
  const answers = exampleAnswers(findTemplate('reporting')!);
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.startsWith('An example answer')) return SHORT_CANARIES[i++ % SHORT_CANARIES.length]!.slice(0, v.length);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(answers) as Record<string, unknown>;
  expect(i).toBeGreaterThan(3);
  return out;
}

async function canaryCase(): Promise<string> {
  const caseId = await notify({ canary: true });
  await requestAndSubmit(caseId, dir.hospitalId, PACK_TEMPLATE.id, {
    childFullName: `${CANARY.given} ${CANARY.family}`,
    nhsNumber: CANARY.nhs,
    homePostcode: CANARY.postcode,
    parentEmail: 'brunhilde.zephyrine@example.org',
    parentPhone: '01905 765432',
    dateOfBirth: CANARY.dob,
    concerns: 'yes',
    // Long enough to run over several pages of the PDF.
    narrative: Array.from({ length: 8 }, () => CANARY_TEXT).join('\n\n'),
  });
  await requestAndSubmit(caseId, dir.gpId, LOCAL_TEMPLATE.id, { ...COMPLETE_LOCAL_ANSWERS, notes: CANARY_TEXT.slice(0, 200) });
  await requestAndSubmit(caseId, dir.policeId, 'reporting', reportingWithCanaries());
  const hold = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(coordinator()).send({
    action: 'place_hold',
    holdReason: 'awaiting_inquest',
    note: `Inquest for Xanthippé; Brünhilde Zephyrine informed on 01905 765432.`,
  });
  expect(hold.status).toBe(200);
  return caseId;
}

const packJson = (caseId: string, who: Record<string, string>) => request(t.app).get(`/v1/cases/${caseId}/pack`).set(who);
const packPdf = (caseId: string, who: Record<string, string>) =>
  request(t.app)
    .get(`/v1/cases/${caseId}/pack`)
    .set(who)
    .set('Accept', 'application/pdf')
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

const packReads = async (caseId: string) =>
  (await t.ds.query(
    `SELECT outcome, reason, details FROM audit_events WHERE action = 'case.pack.read' AND resource_id = $1 ORDER BY occurred_at, id`,
    [caseId],
  )) as { outcome: string; reason: string | null; details: Record<string, unknown> | null }[];

describe('the canary case', () => {
  it('when the canary check reads the raw canary text, then it finds them (the check can fail)', () => {
    expect(() => expectNoCanary(CANARY_TEXT)).toThrow();
    for (const short of SHORT_CANARIES) expect(() => expectNoCanary(short)).toThrow();
  });

  it('when a member reads the JSON pack, then no canary is in it in any form, identifying questions are left out, and the read is audited', async () => {
    const caseId = await canaryCase();
    const res = await packJson(caseId, member());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const raw = JSON.stringify(res.body);
    expectNoCanary(raw);
    expect(res.body).toMatchObject({
      caseId,
      classification: 'OFFICIAL-SENSITIVE',
      ageBand: '5-9_years',
      sex: 'female',
      expectedDeath: 'unexpected',
      category: null,
      redaction: { ruleId: 'case-pack.redact', ruleVersion: 1 },
    });
    expect(res.body.reference).toMatch(/^WOR-\d{4}-\d{4}$/);
    // Each agency's form, with what was said still there in role labels and markers.
    const forms = res.body.agencyForms as {
      agency: { name: string };
      template: { id: string };
      sections: { title: string; answers: { question: string; answer: string }[] }[];
    }[];
    expect(forms.map((f) => f.template.id).sort()).toEqual(['pack-canary', 'reporting', 'school-attendance']);
    const narrative = forms.find((f) => f.template.id === 'pack-canary')!;
    expect(narrative.sections.find((s) => s.title === 'Who')!.answers).toEqual([]);
    const text = narrative.sections.find((s) => s.title === 'What happened')!.answers;
    expect(text[0]).toEqual({ question: 'Were there concerns?', answer: 'Yes' });
    expect(text[1]!.answer).toContain('The child (also known as the child) was seen with her mother.');
    expect(text[1]!.answer).toContain("The child's father, father, and mother attended; father's car was outside.");
    expect(text[1]!.answer).toContain('[NHS number removed]');
    expect(text[1]!.answer).toContain('[date of birth removed]');
    expect(text[1]!.answer).toContain('[postcode removed]');
    expect(text[1]!.answer).toContain('[address removed]');
    expect(text[1]!.answer).toContain('[phone number removed]');
    expect(text[1]!.answer).toContain('[e-mail address removed]');
    // The timeline: what happened and by which kind of actor, the note redacted.
    const hold = res.body.timeline.find((e: { action: string }) => e.action === 'place_hold');
    expect(hold).toMatchObject({
      holdReason: 'awaiting_inquest',
      actor: { kind: 'person' },
      note: 'Inquest for the child; mother informed on [phone number removed].',
    });
    expect(res.body.timeline[0]).toMatchObject({ action: 'notify', actor: { kind: 'agency_system' } });
    expect(res.body.timeline.filter((e: { action: string }) => e.action === 'form_submitted')).toHaveLength(3);

    const reads = await packReads(caseId);
    expect(reads).toEqual([
      { outcome: 'success', reason: null, details: { format: 'json', timelineEntries: res.body.timeline.length, forms: 3 } },
    ]);
  });

  it('when a chair reads the PDF pack, then its text has no canary, OFFICIAL-SENSITIVE is at the top and bottom of every page, and the read is audited', async () => {
    const caseId = await canaryCase();
    const res = await packPdf(caseId, chair());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="WOR-\d{4}-\d{4}-pack.pdf"/);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await pdfText(pdf);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      const lines = page
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      expect(lines.filter((l) => l === 'OFFICIAL-SENSITIVE')).toHaveLength(2);
    }
    expectNoCanary(text);
    expect(text).toContain('Anonymised case pack');
    expect(text).toContain('Agency narrative (local)');
    expect(text).toContain('Worcestershire Acute Hospitals NHS Trust');
    expect(text).toContain('[NHS number removed]');
    expect(text).toMatch(/The child/);

    const reads = await packReads(caseId);
    expect(reads.map((r) => r.details?.format)).toEqual(['pdf']);
  });
});

describe('who may read a pack', () => {
  it('when the coordinator, chair or a member of the case’s panel asks, then 200, each read audited', async () => {
    const caseId = await notify();
    for (const who of [coordinator(), chair(), member()]) expect((await packJson(caseId, who)).status).toBe(200);
    expect(await packReads(caseId)).toHaveLength(3);
  });

  it('when someone of another panel asks, then 404 as if the case did not exist, and the refusal is audited', async () => {
    const caseId = await notify();
    for (const role of ['cdop_coordinator', 'panel_chair', 'panel_member'] as const) {
      const res = await packJson(caseId, as(principal(role, { panelIds: [OTHER_PANEL] })));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CASE.NOT_FOUND');
    }
    const reads = await packReads(caseId);
    expect(reads.map((r) => [r.outcome, r.reason])).toEqual(Array(3).fill(['failure', 'CASE.NOT_FOUND']));
  });

  it('when an agency contributor, an agency system, an auditor or an administrator asks, then 403', async () => {
    const caseId = await notify();
    for (const who of [
      userOf(dir.hospitalId),
      as(principal('hospital_system', { agencyId: dir.hospitalId })),
      as(principal('auditor')),
      as(principal('administrator')),
    ]) {
      const res = await packJson(caseId, who);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
    }
  });

  it('when a member declares a conflict of interest through the recusals endpoint, then their pack read is 403 REVIEW.RECUSED, audited as denied; others still read it', async () => {
    const caseId = await notify();
    const recused = await seedPerson(t.ds, 'panel_member', [dir.panelId]);
    expect((await packJson(caseId, recused.headers)).status).toBe(200);
    const declared = await request(t.app)
      .post(`/v1/cases/${caseId}/recusals`)
      .set(recused.headers)
      .send({ reason: 'I knew the family through my own practice.' });
    expect(declared.status).toBe(201);
    for (const res of [await packJson(caseId, recused.headers), await packPdf(caseId, recused.headers)]) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await packJson(caseId, recused.headers)).body.code).toBe('REVIEW.RECUSED');
    expect((await packJson(caseId, member())).status).toBe(200);
    const reads = await packReads(caseId);
    expect(reads.map((r) => [r.outcome, r.reason ?? r.details?.format])).toEqual([
      ['success', 'json'],
      ['denied', 'REVIEW.RECUSED'],
      ['denied', 'REVIEW.RECUSED'],
      ['denied', 'REVIEW.RECUSED'],
      ['success', 'json'],
    ]);
  });

  it('when nobody is signed in, then 401', async () => {
    const caseId = await notify();
    expect((await request(t.app).get(`/v1/cases/${caseId}/pack`)).status).toBe(401);
  });
});

describe('formats', () => {
  it('when Accept asks for neither JSON nor PDF, then 406 and nothing is read or audited', async () => {
    const caseId = await notify();
    const res = await request(t.app).get(`/v1/cases/${caseId}/pack`).set(member()).set('Accept', 'text/html');
    expect(res.status).toBe(406);
    expect(res.body.code).toBe('REQUEST.NOT_ACCEPTABLE');
    expect(await packReads(caseId)).toEqual([]);
  });

  it('when Accept is */* or prefers PDF by quality, then JSON and PDF respectively', async () => {
    const caseId = await notify();
    const any = await request(t.app).get(`/v1/cases/${caseId}/pack`).set(member()).set('Accept', '*/*');
    expect(any.headers['content-type']).toMatch(/^application\/json/);
    const pdf = await request(t.app).get(`/v1/cases/${caseId}/pack`).set(member()).set('Accept', 'application/json;q=0.5, application/pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('when the case has a category, then the pack gives its national wording', async () => {
    const caseId = await notify();
    await t.ds.query(`UPDATE cases SET category = 10 WHERE id = $1`, [caseId]);
    const res = await packJson(caseId, member());
    expect(res.body.category).toEqual({ number: 10, wording: 'Sudden unexpected, unexplained death' });
  });
});

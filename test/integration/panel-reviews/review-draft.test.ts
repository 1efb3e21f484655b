import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may do what with a case's review draft and a panel's review settings:
// - coordinators, chairs and members of the case's panel: read (reviews:read) and write (reviews:write) the draft;
// - a coordinator, chair or member of another panel: the case does not exist (404);
// - auditors, administrators, agency staff and systems: forbidden (403, no reviews:read / reviews:write);
// - the review settings: read by the panel's coordinators, chairs and members, changed by its coordinators only
//   (meetings:write; a chair or member is 403, another panel's coordinator 404);
// - anonymous: 401.

let t: TestApp;
let w: CaseWorld;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  w = await seedCaseWorld(t.ds);
});

const coordinator = (panel = () => w.panels.wor.id) => as(principal('cdop_coordinator', { panelIds: [panel()] }));
const member = () => as(principal('panel_member', { panelIds: [w.panels.wor.id] }));
const chair = () => as(principal('panel_chair', { panelIds: [w.panels.wor.id] }));

const openCase = async (status: 'scheduled_for_panel' | 'reviewed' | 'closed' | 'ready_for_panel' = 'scheduled_for_panel') =>
  (await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, status })).id;

const DRAFT = {
  categoriesConsidered: [10, 3],
  modifiableFactors: 'yes',
  factors: [{ domain: 'physical_environment', description: 'Put down to sleep on a sofa.', relevance: '2' }],
  learningPoints: ['Safer sleep advice at every contact.'],
  safeguardingReviewCriteriaMet: 'no',
};

const put = (caseId: string, body: object, who = coordinator(), ifMatch?: string) => {
  const r = request(t.app).put(`/v1/cases/${caseId}/review`).set(who);
  if (ifMatch) r.set('If-Match', ifMatch);
  return r.send(body);
};
const reviewRows = async (caseId: string) =>
  (await t.ds.query(`SELECT revision, status, version, category FROM case_reviews WHERE case_id = $1 ORDER BY revision`, [caseId])) as {
    revision: number;
    status: string;
    version: number;
    category: number | null;
  }[];
const auditOf = async (action: string) =>
  (await t.ds.query(`SELECT resource_id, outcome, reason, details FROM audit_events WHERE action = $1 ORDER BY id`, [action])) as {
    resource_id: string;
    outcome: string;
    reason: string | null;
    details: Record<string, unknown> | null;
  }[];

describe('the review draft', () => {
  it('when a coordinator writes the first draft without If-Match, then 200, ETag "v1", the lowest-numbered category recorded with its national wording, on the 2018 form', async () => {
    const caseId = await openCase();
    const res = await put(caseId, DRAFT);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      caseId,
      revision: 1,
      status: 'draft',
      template: { id: 'analysis-2018', version: 1 },
      categoriesConsidered: [
        { number: 3, label: 'Trauma and other external factors' },
        { number: 10, label: 'Sudden unexpected, unexplained death' },
      ],
      category: { number: 3, label: 'Trauma and other external factors' },
      modifiableFactors: 'yes',
      factors: DRAFT.factors,
      learningPoints: DRAFT.learningPoints,
      safeguardingReviewCriteriaMet: 'no',
      safeguardingReviewReason: null,
      signedOff: null,
    });
    const got = await request(t.app).get(`/v1/cases/${caseId}/review`).set(member());
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"v1"');
    expect(got.body).toEqual(res.body);
    // Audited: field names, never the text.
    const [updated] = await auditOf('case.review.updated');
    expect(updated).toMatchObject({ resource_id: caseId, outcome: 'success' });
    expect(updated!.details).toMatchObject({
      revision: 1,
      created: true,
      fields: expect.arrayContaining(['categoriesConsidered', 'factors']),
    });
    expect(JSON.stringify(updated!.details)).not.toMatch(/sofa|Safer sleep/);
    expect((await auditOf('case.review.read')).map((a) => a.resource_id)).toEqual([caseId]);
  });

  it('when a draft exists, then a PUT without If-Match is 428, with a stale tag 412 (nothing written), with the current tag 200 and the next tag', async () => {
    const caseId = await openCase();
    await put(caseId, DRAFT);
    const without = await put(caseId, { ...DRAFT, modifiableFactors: 'no' });
    expect(without.status).toBe(428);
    expect(without.body.code).toBe('PRECONDITION.REQUIRED');
    const second = await put(caseId, { ...DRAFT, modifiableFactors: 'no' }, member(), '"v1"');
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe('"v2"');
    expect(second.body.modifiableFactors).toBe('no');
    const stale = await put(caseId, { ...DRAFT, modifiableFactors: 'insufficient_information' }, chair(), '"v1"');
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION.FAILED');
    expect(await reviewRows(caseId)).toEqual([{ revision: 1, status: 'draft', version: 2, category: 3 }]);
    const [last] = (await auditOf('case.review.updated')).slice(-1);
    expect(last).toMatchObject({ outcome: 'denied', reason: 'PRECONDITION.FAILED' });
    const [change] = (await auditOf('case.review.updated')).filter((a) => a.outcome === 'success').slice(-1);
    expect(change!.details).toMatchObject({ created: false, fields: ['modifiableFactors'] });
  });

  it('when no review exists yet and an If-Match is sent, then 412 (it cannot match anything)', async () => {
    const caseId = await openCase();
    expect((await put(caseId, DRAFT, coordinator(), '"v1"')).status).toBe(412);
    expect(await reviewRows(caseId)).toEqual([]);
  });

  it.each([[[0]], [[11]], [['x']], [[3, 3]], [[1.5]]])(
    'when the categories considered are %j, then 400 naming the field, nothing written',
    async (categories) => {
      const caseId = await openCase();
      const res = await put(caseId, { ...DRAFT, categoriesConsidered: categories });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toMatch(/body\.categoriesConsidered/);
      expect(await reviewRows(caseId)).toEqual([]);
    },
  );

  it('when a factor names a domain or relevance its template lacks, then 400 naming body.factors[i].domain / .relevance, nothing written', async () => {
    const caseId = await openCase();
    await put(caseId, DRAFT);
    const res = await put(
      caseId,
      {
        ...DRAFT,
        factors: [
          { domain: 'child', description: 'Born early.', relevance: '1' },
          { domain: 'parenting_capacity', description: 'Legacy domain.', relevance: '1*' },
        ],
      },
      coordinator(),
      '"v1"',
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REVIEW.FACTORS_INVALID');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.factors[1].domain', 'body.factors[1].relevance']);
    expect(await reviewRows(caseId)).toEqual([{ revision: 1, status: 'draft', version: 1, category: 3 }]);
  });

  it('when a draft leaves fields out, then it is saved incomplete (a draft may be half done) and the category is null', async () => {
    const caseId = await openCase();
    const res = await put(caseId, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ categoriesConsidered: [], category: null, modifiableFactors: null, factors: [], learningPoints: [] });
  });

  it('when no draft exists, then GET is 404 REVIEW.NOT_FOUND', async () => {
    const caseId = await openCase();
    const res = await request(t.app).get(`/v1/cases/${caseId}/review`).set(coordinator());
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('REVIEW.NOT_FOUND');
  });

  it("when another panel's coordinator reads or writes, then 404; auditors, administrators and agency staff 403; anonymous 401; nothing written", async () => {
    const caseId = await openCase();
    await put(caseId, DRAFT);
    const other = coordinator(() => w.panels.her.id);
    expect((await request(t.app).get(`/v1/cases/${caseId}/review`).set(other)).status).toBe(404);
    expect((await put(caseId, DRAFT, other, '"v1"')).status).toBe(404);
    for (const who of [
      as(principal('auditor')),
      as(principal('administrator', { panelIds: [w.panels.wor.id] })),
      as(principal('agency_contributor', { agencyId: w.agencies.hospital })),
    ]) {
      expect((await request(t.app).get(`/v1/cases/${caseId}/review`).set(who)).status).toBe(403);
      expect((await put(caseId, DRAFT, who, '"v1"')).status).toBe(403);
    }
    expect((await request(t.app).get(`/v1/cases/${caseId}/review`)).status).toBe(401);
    expect(await reviewRows(caseId)).toEqual([{ revision: 1, status: 'draft', version: 1, category: 3 }]);
  });
});

describe('signed reviews and reopened cases', () => {
  /** A signed revision 1, as a sign-off leaves it (the sign-off itself is tested with a real meeting in sign-off.test.ts). */
  async function signedCase(status: 'reviewed' | 'closed'): Promise<string> {
    const caseId = await openCase(status);
    await t.ds.query(
      `INSERT INTO case_reviews (case_id, revision, status, template_id, template_version, categories_considered, category, modifiable_factors,
                                 created_by, updated_by, signed_at, signed_by, signed_meeting_id, version)
       VALUES ($1, 1, 'signed', 'analysis-2018', 1, '{9}', 9, 'no', 'u', 'u', now(), 'chair', gen_random_uuid(), 3)`,
      [caseId],
    );
    return caseId;
  }

  it('when the case is reviewed and its review signed, then a PUT is 409 REVIEW.SIGNED and the database refuses any change to the signed row', async () => {
    const caseId = await signedCase('reviewed');
    const res = await put(caseId, DRAFT, coordinator(), '"v3"');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('REVIEW.SIGNED');
    await expect(t.ds.query(`UPDATE case_reviews SET category = 1 WHERE case_id = $1`, [caseId])).rejects.toThrow(/immutable/);
    await expect(t.ds.query(`DELETE FROM case_reviews WHERE case_id = $1`, [caseId])).rejects.toThrow(/immutable/);
  });

  it('when a closed case is reopened with a reason, then a PUT with the signed tag starts revision 2, and revision 1 stays readable and signed', async () => {
    const caseId = await signedCase('closed');
    expect((await put(caseId, DRAFT, coordinator(), '"v3"')).body.code).toBe('REVIEW.CASE_CLOSED');
    const reopened = await request(t.app)
      .post(`/v1/cases/${caseId}/actions`)
      .set(coordinator())
      .send({ action: 'reopen', reason: 'New evidence from the inquest' });
    expect(reopened.status).toBe(200);
    expect((await put(caseId, DRAFT)).status).toBe(428);
    const res = await put(caseId, DRAFT, coordinator(), '"v3"');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v4"');
    expect(res.body).toMatchObject({ revision: 2, status: 'draft', category: { number: 3 } });
    const first = await request(t.app).get(`/v1/cases/${caseId}/review?revision=1`).set(member());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      revision: 1,
      status: 'signed',
      category: { number: 9, label: 'Infection' },
      signedOff: { by: 'chair' },
    });
    expect(await reviewRows(caseId)).toEqual([
      { revision: 1, status: 'signed', version: 3, category: 9 },
      { revision: 2, status: 'draft', version: 4, category: 3 },
    ]);
  });
});

describe('the analysis template of a panel', () => {
  it('when nothing is chosen, then the 2018 form is the default; a coordinator chooses the legacy Form C and new drafts use it, with 1*', async () => {
    const settings = await request(t.app).get(`/v1/panels/${w.panels.wor.id}/review-settings`).set(member());
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ panelId: w.panels.wor.id, isDefault: true, updatedAt: null, template: { id: 'analysis-2018' } });
    const chosen = await request(t.app)
      .put(`/v1/panels/${w.panels.wor.id}/review-settings`)
      .set(coordinator())
      .send({ templateId: 'legacy-form-c' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ isDefault: false, template: { id: 'legacy-form-c', version: 1 } });
    expect(chosen.body.template.relevanceScale.map((r: { code: string }) => r.code)).toEqual(['0', '1', '1*', '2', '3']);

    const caseId = await openCase();
    const legacyFactors = [{ domain: 'parenting_capacity', description: 'Carer was unwell.', relevance: '1*' }];
    const res = await put(caseId, { ...DRAFT, factors: legacyFactors });
    expect(res.status).toBe(200);
    expect(res.body.template).toEqual({ id: 'legacy-form-c', version: 1, title: 'Form C: analysis of a child death (legacy)' });

    // Back to 2018: the draft keeps the template it was written against.
    await request(t.app).put(`/v1/panels/${w.panels.wor.id}/review-settings`).set(coordinator()).send({ templateId: 'analysis-2018' });
    const again = await put(caseId, { ...DRAFT, factors: legacyFactors }, coordinator(), '"v1"');
    expect(again.status).toBe(200);
    expect(again.body.template.id).toBe('legacy-form-c');
  });

  it('when a chair or member changes the setting, then 403; another panel, 404; an unknown template or version, 400; nothing written', async () => {
    const url = `/v1/panels/${w.panels.wor.id}/review-settings`;
    expect((await request(t.app).put(url).set(chair()).send({ templateId: 'legacy-form-c' })).status).toBe(403);
    expect((await request(t.app).put(url).set(member()).send({ templateId: 'legacy-form-c' })).status).toBe(403);
    expect(
      (
        await request(t.app)
          .put(url)
          .set(coordinator(() => w.panels.her.id))
          .send({ templateId: 'legacy-form-c' })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .get(url)
          .set(coordinator(() => w.panels.her.id))
      ).status,
    ).toBe(404);
    const unknown = await request(t.app).put(url).set(coordinator()).send({ templateId: 'form-z' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.templateId');
    expect((await request(t.app).put(url).set(coordinator()).send({ templateId: 'legacy-form-c', templateVersion: 9 })).status).toBe(400);
    expect(await t.ds.query(`SELECT * FROM panel_review_settings`)).toEqual([]);
  });

  it('when anyone with reviews:read lists the templates, then both forms and the ten categories come back', async () => {
    const res = await request(t.app).get('/v1/analysis-templates').set(member());
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(['legacy-form-c', 'analysis-2018']);
    expect(res.body.categoriesOfDeath).toHaveLength(10);
    expect(
      (
        await request(t.app)
          .get('/v1/analysis-templates')
          .set(as(principal('auditor')))
      ).status,
    ).toBe(403);
  });
});

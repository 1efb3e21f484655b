import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { NATIONAL_TEMPLATES } from '../../../src/modules/agency-forms/catalogue';
import { startTestApp, type TestApp } from '../../support/app';
import { administrator, LOCAL_TEMPLATE } from '../../support/forms';
import { as, principal } from '../../support/principals';

// Who may call the form template operations:
// - everyone with forms:read (coordinators, panel members and chairs, agency staff and systems, administrators): the
//   catalogue and every published or retired version;
// - administrators (form-templates:write): drafts, creating, publishing and retiring;
// - auditors: 403; anonymous: 401.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const coordinator = () => as(principal('cdop_coordinator'));
const create = (body: object = LOCAL_TEMPLATE) => request(t.app).post('/v1/form-templates').set(administrator()).send(body);
const publish = (v: number) => request(t.app).post(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/${v}/publish`).set(administrator());

describe('the life of a template', () => {
  it('is created as a draft, seen only by administrators until published, then immutable', async () => {
    const created = await create();
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1`);
    expect(created.body).toMatchObject({ templateId: LOCAL_TEMPLATE.id, version: 1, status: 'draft', questionCount: 4, publishedAt: null });
    expect((await request(t.app).get(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1`).set(coordinator())).status).toBe(404);
    expect((await request(t.app).get('/v1/form-templates').set(coordinator())).body.items).toEqual([]);

    expect((await publish(1)).body).toMatchObject({ status: 'published' });
    expect((await publish(1)).body.code).toBe('FORM_TEMPLATE.VERSION_STATUS');
    const list = await request(t.app).get('/v1/form-templates').set(coordinator());
    expect(list.body.items).toEqual([expect.objectContaining({ id: LOCAL_TEMPLATE.id, national: false, currentVersion: 1 })]);
    await expect(t.ds.query(`UPDATE form_template_versions SET schema = '{}' WHERE template_id = $1`, [LOCAL_TEMPLATE.id])).rejects.toThrow(
      /immutable/,
    );
    await expect(t.ds.query(`DELETE FROM form_template_versions WHERE template_id = $1`, [LOCAL_TEMPLATE.id])).rejects.toThrow(
      /cannot be deleted/,
    );
  });

  it('gets a new version as a draft (one at a time); publishing it makes it current; retiring keeps it readable', async () => {
    await create();
    await publish(1);
    const { id: _id, kind: _kind, ...content } = LOCAL_TEMPLATE;
    const v2 = await request(t.app)
      .post(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions`)
      .set(administrator())
      .send({ ...content, effectiveFrom: '2027-04-01' });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const again = await request(t.app).post(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions`).set(administrator()).send(content);
    expect(again.body).toMatchObject({ code: 'FORM_TEMPLATE.DRAFT_EXISTS', draftVersion: 2 });
    await publish(2);
    const retired = await request(t.app).post(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1/retire`).set(administrator());
    expect(retired.body).toMatchObject({ status: 'retired' });
    const list = await request(t.app).get('/v1/form-templates').set(coordinator());
    expect(list.body.items[0]).toMatchObject({
      currentVersion: 2,
      versions: [
        { version: 1, status: 'retired' },
        { version: 2, status: 'published' },
      ],
    });
    expect((await request(t.app).get(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1`).set(coordinator())).body.status).toBe('retired');
  });

  it('when the id is taken, then 409; when the template is unknown, then 404', async () => {
    await create();
    expect((await create()).body.code).toBe('FORM_TEMPLATE.EXISTS');
    const { id: _id, kind: _kind, ...content } = LOCAL_TEMPLATE;
    expect((await request(t.app).post('/v1/form-templates/unknown-form/versions').set(administrator()).send(content)).status).toBe(404);
    expect((await request(t.app).get('/v1/form-templates/unknown-form/versions/1').set(coordinator())).status).toBe(404);
  });
});

describe('a template must be a sound form', () => {
  it('when the schema is not strict JSON Schema 2020-12, has an open object, or the display names no question, then 400 naming each', async () => {
    const res = await create({
      ...LOCAL_TEMPLATE,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { a: { type: 'object', properties: { b: { type: 'string', unknownKeyword: true } } } },
      },
      display: {
        sections: [
          {
            id: 's',
            title: 'S',
            fields: [
              { pointer: '/a/b', label: 'B' },
              { pointer: '/nope', label: 'Nope' },
            ],
          },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FORM_TEMPLATE.INVALID');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.schema.$schema',
        'body.schema',
        'body.schema',
        'body.schema.properties.a',
        'body.display.sections[0].fields[1].pointer',
      ]),
    );
    expect(fields).not.toContain('body.display.sections[0].fields[0].pointer');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM form_templates`))[0].n).toBe(0);
  });

  it('when someone other than an administrator creates or publishes, then 403; anonymous 401', async () => {
    expect((await request(t.app).post('/v1/form-templates').set(coordinator()).send(LOCAL_TEMPLATE)).status).toBe(403);
    expect((await request(t.app).post('/v1/form-templates').send(LOCAL_TEMPLATE)).status).toBe(401);
    expect(
      (
        await request(t.app)
          .get('/v1/form-templates')
          .set(as(principal('auditor')))
      ).status,
    ).toBe(403);
  });
});

describe('the national set', () => {
  it('every shipped template version is served as the contract says (responses are validated in tests)', async () => {
    const seeded = await seedNationalTemplates(t.ds);
    expect(seeded.added).toHaveLength(NATIONAL_TEMPLATES.length);
    expect((await seedNationalTemplates(t.ds)).added).toEqual([]);
    const list = await request(t.app).get('/v1/form-templates').set(coordinator());
    expect(list.body.items.map((i: { id: string }) => i.id).sort()).toEqual(NATIONAL_TEMPLATES.map((d) => d.key).sort());
    for (const d of NATIONAL_TEMPLATES) {
      const res = await request(t.app).get(`/v1/form-templates/${d.key}/versions/${d.version}`).set(coordinator());
      expect([d.key, res.status]).toEqual([d.key, 200]);
      expect(res.body).toMatchObject({ status: 'published', display: d.display });
    }
  });
});

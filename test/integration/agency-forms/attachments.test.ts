import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import * as files from '../../support/files';
import { COMPLETE_LOCAL_ANSWERS, LOCAL_TEMPLATE, publishLocalTemplate } from '../../support/forms';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may do what with a form request's attachments:
// - the agency asked (its contributors, its systems with forms:read / forms:write): upload, list, download; delete what
//   they uploaded themselves until the form is next submitted;
// - CDOP coordinators of the case's panel: the same (they may enter a paper form for an agency);
// - any other agency, a coordinator of another panel, panel members: the request does not exist (404);
// - anonymous: 401.
// Files are real (test/support/files.ts); limits are small here (1 MiB, 3 files) so the tests stay quick.

const MAX_BYTES = 1024 * 1024;
const MAX_FILES = 3;
let t: TestApp;
let dir: Directory;

beforeAll(async () => {
  t = await startTestApp({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ATTACHMENT_MAX_PER_REQUEST: String(MAX_FILES) });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await publishLocalTemplate(t.app);
});

const coordinator = () => as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
const otherCoordinator = () => as(principal('cdop_coordinator', { panelIds: [randomUUID()] }));
const hospitalStaff = principal('agency_contributor', { agencyId: '' });
const hospitalUser = () => as({ ...hospitalStaff, agencyId: dir.hospitalId });
const hospitalSystem = principal('hospital_system', { agencyId: '' });
const hospitalClient = () => as({ ...hospitalSystem, agencyId: dir.hospitalId });
const gpUser = () => as(principal('agency_contributor', { agencyId: dir.gpId }));
const panelMember = () => as(principal('panel_member', { panelIds: [dir.panelId] }));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let seq = 0;
/** A case notified by the hospital, and the local form requested of the hospital: the request's id. */
async function openRequest(): Promise<{ caseId: string; requestId: string }> {
  seq++;
  const notified = await request(t.app)
    .post('/v1/notifications')
    .set(as(principal('hospital_system', { agencyId: dir.hospitalId })))
    .set('Idempotency-Key', `attach-${seq}-${Date.now()}`)
    .send(notification(dir, { nhsNumber: nhsNumberFrom(9100 + seq * 37), givenName: `Attach${'x'.repeat(seq % 20)}` }));
  expect(notified.status).toBe(201);
  const caseId = notified.body.caseId as string;
  const asked = await request(t.app)
    .post(`/v1/cases/${caseId}/form-requests`)
    .set(coordinator())
    .send({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id });
  expect(asked.status).toBe(201);
  return { caseId, requestId: asked.body.id as string };
}

function upload(requestId: string, who: Record<string, string>, bytes: Buffer, type: string, filename = 'Post-mortem%20report.pdf') {
  return request(t.app)
    .post(`/v1/form-requests/${requestId}/attachments`)
    .set(who)
    .set('Content-Type', type)
    .set('Attachment-Filename', filename)
    .send(bytes);
}

/** Downloads as raw bytes (supertest would otherwise try to parse a PDF or image). */
function download(path: string, who: Record<string, string>) {
  return request(t.app)
    .get(path)
    .set(who)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

const stored = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM form_attachments`))[0].n as number;
const auditRows = (action: string, requestId: string) =>
  t.ds.query(
    `SELECT actor_type, outcome, reason, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY occurred_at, id`,
    [action, requestId],
  ) as Promise<{ actor_type: string; outcome: string; reason: string | null; details: Record<string, unknown> }[]>;

describe('uploading and downloading', () => {
  it('when the hospital uploads a PDF, then 201 with its metadata and SHA-256, and the download is byte for byte the same with safe headers', async () => {
    const { requestId } = await openRequest();
    const file = files.pdf();
    const res = await upload(requestId, hospitalUser(), file, 'application/pdf', 'Post-mortem%20report%20%E2%80%93%20final.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      requestId,
      filename: 'Post-mortem report – final.pdf',
      mediaType: 'application/pdf',
      size: file.length,
      sha256: sha256(file),
      uploadedAt: expect.any(String),
      uploadedBy: { kind: 'user' },
      submitted: false,
    });
    expect(res.headers.location).toBe(`/v1/form-requests/${requestId}/attachments/${res.body.id}`);

    const got = await download(res.headers.location, hospitalUser());
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, file)).toBe(0);
    expect(sha256(got.body as Buffer)).toBe(res.body.sha256);
    expect(got.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(file.length),
      'content-disposition': `attachment; filename="Post-mortem report _ final.pdf"; filename*=UTF-8''Post-mortem%20report%20%E2%80%93%20final.pdf`,
      'x-content-type-options': 'nosniff',
      etag: `"${sha256(file)}"`,
      'cache-control': 'no-store',
    });
    expect(got.headers['content-security-policy']).toContain('sandbox');
  });

  it('when a PNG and a file of several slices are uploaded, then the list shows both, oldest first, and each downloads unchanged', async () => {
    const { requestId } = await openRequest();
    const image = files.png();
    const big = files.largePdf(700 * 1024 + 17); // three 256 kB slices, the last one short
    const first = await upload(requestId, hospitalUser(), image, 'image/png', 'scene.png');
    const second = await upload(requestId, coordinator(), big, 'application/pdf', 'scan.pdf');
    expect([first.status, second.status]).toEqual([201, 201]);

    const list = await request(t.app).get(`/v1/form-requests/${requestId}/attachments`).set(coordinator());
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { filename: string; mediaType: string; size: number }) => [a.filename, a.mediaType, a.size])).toEqual([
      ['scene.png', 'image/png', image.length],
      ['scan.pdf', 'application/pdf', big.length],
    ]);
    for (const [res, bytes] of [
      [first, image],
      [second, big],
    ] as const) {
      const got = await download(res.headers.location, coordinator());
      expect(got.status).toBe(200);
      expect((got.body as Buffer).length).toBe(bytes.length);
      expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
    }
  });

  it('when a Word document (DOCX), a JPEG or a TIFF is sent as what it is, then it is stored with that type', async () => {
    const { requestId } = await openRequest();
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    for (const [bytes, type] of [
      [files.docx(), docx],
      [files.jpeg(), 'image/jpeg'],
      [files.tiff(), 'image/tiff'],
    ] as const) {
      const res = await upload(requestId, hospitalUser(), bytes, type, 'file');
      expect(res.status).toBe(201);
      expect(res.body.mediaType).toBe(type);
    }
  });

  it('when the name carries folders, control characters or reserved characters, then it is cleaned; when nothing usable is left, then 400', async () => {
    const { requestId } = await openRequest();
    const cleaned = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf', '..%2F..%2Fetc%2Freport%0A%3F.pdf');
    expect(cleaned.status).toBe(201);
    expect(cleaned.body.filename).toBe('report_.pdf');
    for (const bad of ['..%2F', '%E0%A4%A']) {
      const res = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf', bad);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'ATTACHMENT.FILENAME_INVALID', errors: [{ field: 'headers.attachment-filename' }] });
    }
    const missing = await request(t.app)
      .post(`/v1/form-requests/${requestId}/attachments`)
      .set(hospitalUser())
      .set('Content-Type', 'application/pdf')
      .send(files.pdf());
    expect(missing.status).toBe(400);
    expect(await stored()).toBe(1);
  });
});

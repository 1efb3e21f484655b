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

/** The Location of a 201: where the file is. */
const at = (res: request.Response) => res.headers.location as string;
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
    expect(at(res)).toBe(`/v1/form-requests/${requestId}/attachments/${res.body.id}`);

    const got = await download(at(res), hospitalUser());
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
      const got = await download(at(res), coordinator());
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

describe('who may see and add files', () => {
  it('when another agency, a coordinator of another panel or a panel member asks, then 404 for list, download, upload and delete; anonymous gets 401', async () => {
    const { requestId } = await openRequest();
    const mine = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf');
    expect(mine.status).toBe(201);
    const path = `/v1/form-requests/${requestId}/attachments`;
    for (const who of [gpUser(), otherCoordinator(), panelMember()]) {
      expect((await request(t.app).get(path).set(who)).status).toBe(404);
      expect((await download(at(mine), who)).status).toBe(404);
    }
    for (const who of [gpUser(), otherCoordinator()]) expect((await request(t.app).delete(at(mine)).set(who)).status).toBe(404);
    // Panel members read forms but never change them (no forms:write).
    expect((await request(t.app).delete(at(mine)).set(panelMember())).status).toBe(403);
    const gpUpload = await upload(requestId, gpUser(), files.pdf(), 'application/pdf');
    expect(gpUpload.status).toBe(404);
    expect(gpUpload.body.code).toBe('FORM_REQUEST.NOT_FOUND');
    // A guessed attachment id on a request one may see is a 404 too.
    expect((await download(`${path}/${randomUUID()}`, hospitalUser())).status).toBe(404);
    expect((await request(t.app).get(path)).status).toBe(401);
    expect(await stored()).toBe(1);
  });

  it('when the request was withdrawn, then a file is refused with 409 FORM_REQUEST.CLOSED; when it holds the most files it may, then 409 ATTACHMENT.LIMIT_REACHED', async () => {
    const { requestId } = await openRequest();
    for (let i = 0; i < MAX_FILES; i++)
      expect((await upload(requestId, hospitalUser(), files.png(), 'image/png', `p${i}.png`)).status).toBe(201);
    const full = await upload(requestId, hospitalUser(), files.png(), 'image/png', 'one-more.png');
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ code: 'ATTACHMENT.LIMIT_REACHED', maxAttachments: MAX_FILES });

    const other = await openRequest();
    const withdrawn = await request(t.app)
      .post(`/v1/form-requests/${other.requestId}/withdraw`)
      .set(coordinator())
      .send({ reason: 'Wrong trust' });
    expect(withdrawn.status).toBe(200);
    const closed = await upload(other.requestId, hospitalUser(), files.pdf(), 'application/pdf');
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('FORM_REQUEST.CLOSED');
    expect(await stored()).toBe(MAX_FILES);
  });
});

describe('files that are refused', () => {
  it.each([
    ['a Windows program labelled application/pdf', 'ATTACHMENT.EXECUTABLE', 'application/pdf', files.windowsExecutable],
    ['a Linux program labelled image/png', 'ATTACHMENT.EXECUTABLE', 'image/png', files.elfExecutable],
    ['a shell script labelled application/pdf', 'ATTACHMENT.EXECUTABLE', 'application/pdf', files.shellScript],
    ['a ZIP archive labelled application/pdf', 'ATTACHMENT.EXECUTABLE', 'application/pdf', () => files.zip({ 'run.bat': 'del *' })],
    ['a PNG labelled application/pdf', 'ATTACHMENT.CONTENT_MISMATCH', 'application/pdf', files.png],
    ['a PDF labelled image/jpeg', 'ATTACHMENT.CONTENT_MISMATCH', 'image/jpeg', files.pdf],
    ['plain text labelled application/pdf', 'ATTACHMENT.UNRECOGNISED', 'application/pdf', files.plainText],
  ])('when %s is uploaded, then 415 %s, nothing is stored and the refusal is audited', async (_what, code, type, make) => {
    const { requestId } = await openRequest();
    const res = await upload(requestId, hospitalUser(), make(), type);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    if (code === 'ATTACHMENT.CONTENT_MISMATCH') expect(res.body).toMatchObject({ claimedType: type, detectedType: expect.any(String) });
    expect(await stored()).toBe(0);
    const audited = await auditRows('attachment.upload', requestId);
    expect(audited).toEqual([
      expect.objectContaining({
        actor_type: 'user',
        outcome: 'denied',
        reason: code,
        details: expect.objectContaining({ claimedType: type }),
      }),
    ]);
  });

  it('when the Content-Type is one the contract does not list (text/plain), then 415 before anything is read', async () => {
    const { requestId } = await openRequest();
    const res = await upload(requestId, hospitalUser(), files.plainText(), 'text/plain');
    expect(res.status).toBe(415);
    expect(await stored()).toBe(0);
  });

  it('when a type is listed but not allowed here (ATTACHMENT_TYPES), then 415 ATTACHMENT.TYPE_NOT_ALLOWED naming those allowed', async () => {
    const narrow = await startTestApp({ ATTACHMENT_TYPES: 'application/pdf, image/png' });
    try {
      const { requestId } = await openRequest();
      const res = await request(narrow.app)
        .post(`/v1/form-requests/${requestId}/attachments`)
        .set(hospitalUser())
        .set('Content-Type', 'image/tiff')
        .set('Attachment-Filename', 'scan.tiff')
        .send(files.tiff());
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'ATTACHMENT.TYPE_NOT_ALLOWED', allowedTypes: ['application/pdf', 'image/png'] });
    } finally {
      await narrow.close();
    }
  });

  it('when the declared size is over ATTACHMENT_MAX_BYTES, then 413 ATTACHMENT.TOO_LARGE, audited, with nothing stored', async () => {
    const { requestId } = await openRequest();
    const res = await upload(requestId, hospitalUser(), files.largePdf(MAX_BYTES + 1), 'application/pdf');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'ATTACHMENT.TOO_LARGE', maxBytes: MAX_BYTES });
    expect(await stored()).toBe(0);
    expect((await auditRows('attachment.upload', requestId)).map((a) => a.reason)).toEqual(['ATTACHMENT.TOO_LARGE']);
    // Exactly the limit is accepted.
    expect((await upload(requestId, hospitalUser(), files.largePdf(MAX_BYTES), 'application/pdf')).status).toBe(201);
  });

  it('when a body with no declared size grows past the limit, then 413 arrives although the body never ends, and nothing is stored', async () => {
    const { requestId } = await openRequest();
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/v1/form-requests/${requestId}/attachments`,
            headers: {
              ...hospitalUser(),
              'Content-Type': 'application/pdf',
              'Attachment-Filename': 'endless.pdf',
              'Transfer-Encoding': 'chunked',
            },
          },
          (res) => {
            answered = true;
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body });
              req.destroy();
            });
          },
        );
        req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
        const chunk = files.largePdf(64 * 1024);
        // Up to 16 MiB, and the body is never ended (no last chunk): an answer at all means the server did not wait
        // for the whole body. (How much the client got out first depends on the machine: past the limit the server
        // drains what comes, unread, while it audits the refusal.)
        const pump = () => {
          while (sent < 16 * MAX_BYTES && !answered && !req.destroyed) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
        };
        pump();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'ATTACHMENT.TOO_LARGE' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(await stored()).toBe(0);
  });

  it('when the body is empty, then 400 ATTACHMENT.EMPTY', async () => {
    const { requestId } = await openRequest();
    const res = await upload(requestId, hospitalUser(), Buffer.alloc(0), 'application/pdf');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ATTACHMENT.EMPTY');
  });
});

describe('Idempotency-Key', () => {
  it('when the hospital system sends the same file with the same key twice, then the first answer comes back once more and one file is stored; another file with that key is a 422', async () => {
    const { requestId } = await openRequest();
    const key = `upload-${randomUUID()}`;
    const send = (bytes: Buffer) => upload(requestId, hospitalClient(), bytes, 'application/pdf', 'report.pdf').set('Idempotency-Key', key);
    const first = await send(files.pdf());
    expect(first.status).toBe(201);
    expect(first.body.uploadedBy).toEqual({ kind: 'client' });
    const again = await send(files.pdf());
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(at(again)).toBe(at(first));
    const other = await send(files.pdf('Another report'));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await stored()).toBe(1);
  });

  it('when the upload that filled the request is retried with its key, then its answer comes back, not 409', async () => {
    const { requestId } = await openRequest();
    for (let i = 0; i < MAX_FILES - 1; i++)
      expect((await upload(requestId, hospitalUser(), files.png(), 'image/png', `p${i}.png`)).status).toBe(201);
    const key = `last-${randomUUID()}`;
    const send = () => upload(requestId, hospitalClient(), files.pdf(), 'application/pdf', 'last.pdf').set('Idempotency-Key', key);
    const first = await send();
    expect(first.status).toBe(201);
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const another = await upload(requestId, hospitalClient(), files.pdf(), 'application/pdf').set('Idempotency-Key', `new-${randomUUID()}`);
    expect(another.status).toBe(409);
    expect(another.body.code).toBe('ATTACHMENT.LIMIT_REACHED');
    expect(await stored()).toBe(MAX_FILES);
  });

  it('when an agency system sends no Idempotency-Key, then 400 IDEMPOTENCY.KEY_REQUIRED; a person may omit it', async () => {
    const { requestId } = await openRequest();
    const res = await upload(requestId, hospitalClient(), files.pdf(), 'application/pdf');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IDEMPOTENCY.KEY_REQUIRED');
    expect((await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf')).status).toBe(201);
  });
});

describe('auditing', () => {
  it('when files are uploaded, listed and downloaded, then each is an audit event naming the request, the case and the file, never its name', async () => {
    const { caseId, requestId } = await openRequest();
    const up = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf', 'Amelia%20Hartwell%20PM.pdf');
    await request(t.app).get(`/v1/form-requests/${requestId}/attachments`).set(coordinator());
    await download(at(up), coordinator());
    await download(at(up), hospitalUser());
    const id = up.body.id as string;
    expect(await auditRows('attachment.upload', requestId)).toEqual([
      expect.objectContaining({
        outcome: 'success',
        details: expect.objectContaining({ caseId, attachmentId: id, sha256: up.body.sha256 }),
      }),
    ]);
    expect(await auditRows('attachment.list', requestId)).toEqual([
      expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ caseId, returned: 1, ids: [id] }) }),
    ]);
    expect(await auditRows('attachment.download', requestId)).toEqual([
      expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ caseId, attachmentId: id }) }),
      expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ caseId, attachmentId: id }) }),
    ]);
    const all = JSON.stringify(await t.ds.query(`SELECT details, reason FROM audit_events`));
    expect(all).not.toContain('Hartwell');
  });

  it('when another agency tries to download, then the refusal is audited too', async () => {
    const { requestId } = await openRequest();
    const up = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf');
    expect((await download(at(up), gpUser())).status).toBe(404);
    expect(await auditRows('attachment.download', requestId)).toEqual([
      expect.objectContaining({ outcome: 'failure', reason: 'FORM_REQUEST.NOT_FOUND' }),
    ]);
  });
});

describe('deleting a file', () => {
  const submit = (requestId: string, body: object = {}) =>
    request(t.app)
      .post(`/v1/form-requests/${requestId}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS, ...body });

  it('when the uploader deletes a file before submitting, then 204 and it is gone; someone else of the same agency gets 403 ATTACHMENT.NOT_UPLOADER', async () => {
    const { requestId } = await openRequest();
    const up = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf');
    const colleague = await request(t.app)
      .delete(at(up))
      .set(as(principal('agency_contributor', { agencyId: dir.hospitalId })));
    expect(colleague.status).toBe(403);
    expect(colleague.body.code).toBe('ATTACHMENT.NOT_UPLOADER');
    const gone = await request(t.app).delete(at(up)).set(hospitalUser());
    expect(gone.status).toBe(204);
    expect(await stored()).toBe(0);
    expect((await download(at(up), hospitalUser())).status).toBe(404);
    expect(await auditRows('attachment.delete', requestId)).toEqual([
      expect.objectContaining({ outcome: 'denied', reason: 'ATTACHMENT.NOT_UPLOADER' }),
      expect.objectContaining({
        outcome: 'success',
        details: expect.objectContaining({ attachmentId: up.body.id, sha256: up.body.sha256 }),
      }),
    ]);
  });

  it('when the form is submitted after the upload, then the file is part of it: listed as submitted, 409 ATTACHMENT.SUBMITTED, and the database refuses the delete too; a file added after the submission is not', async () => {
    const { requestId } = await openRequest();
    const before = await upload(requestId, hospitalUser(), files.pdf(), 'application/pdf', 'before.pdf');
    expect((await submit(requestId)).status).toBe(201);
    const after = await upload(requestId, hospitalUser(), files.png(), 'image/png', 'after.png');
    expect(after.status).toBe(201);

    const list = await request(t.app).get(`/v1/form-requests/${requestId}/attachments`).set(hospitalUser());
    expect(list.body.items.map((a: { filename: string; submitted: boolean }) => [a.filename, a.submitted])).toEqual([
      ['before.pdf', true],
      ['after.png', false],
    ]);
    const refused = await request(t.app).delete(at(before)).set(hospitalUser());
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ATTACHMENT.SUBMITTED');
    await expect(t.ds.query(`DELETE FROM form_attachments WHERE id = $1`, [before.body.id])).rejects.toThrow(/cannot be deleted/);
    await expect(t.ds.query(`UPDATE form_attachments SET filename = 'x' WHERE id = $1`, [after.body.id])).rejects.toThrow(/never change/);

    expect((await request(t.app).delete(at(after)).set(hospitalUser())).status).toBe(204);
    expect(await stored()).toBe(1);
  });
});

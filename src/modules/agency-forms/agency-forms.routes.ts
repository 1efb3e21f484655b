import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { principalOf } from '../../access/authorize';
import { attachmentDisposition } from '../../platform/http/content-disposition';
import { etagOf, requireIfMatch } from '../../platform/http/etag';
import { decodeCursor } from '../../platform/http/pagination';
import type { AgencyFormsService } from './agency-forms.service';
import type {
  FormDraftSave,
  FormRequestClose,
  FormRequestCreate,
  FormRequestView,
  FormSubmit,
  FormTemplateCreate,
  FormTemplateVersionCreate,
} from './agency-forms.types';
import type { FormRequestStatus } from './entities';

// Path and query values arrive validated (integers and booleans coerced) by the OpenAPI validator.
type ListQuery = { status?: FormRequestStatus; overdue?: boolean; cursor?: string; limit?: number };

const sendRequest = (res: Response, status: number, r: { view: FormRequestView; version: number }) =>
  res.status(status).setHeader('ETag', etagOf(r.version)).json(r.view);

export function agencyFormsRouter(service: AgencyFormsService): Router {
  const r = Router();

  r.get('/v1/form-templates', async (req, res) => {
    res.json(await service.listTemplates(principalOf(req)));
  });
  r.post('/v1/form-templates', async (req, res) => {
    const body = req.body as FormTemplateCreate;
    const v = await service.createTemplate(principalOf(req), body);
    res.status(201).setHeader('Location', `/v1/form-templates/${v.templateId}/versions/${v.version}`).json(v);
  });
  r.post('/v1/form-templates/:templateId/versions', async (req, res) => {
    const v = await service.createVersion(principalOf(req), req.params.templateId, req.body as FormTemplateVersionCreate);
    res.status(201).setHeader('Location', `/v1/form-templates/${v.templateId}/versions/${v.version}`).json(v);
  });
  r.get('/v1/form-templates/:templateId/versions/:version', async (req, res) => {
    res.json(await service.getVersion(principalOf(req), req.params.templateId, Number(req.params.version)));
  });
  r.post('/v1/form-templates/:templateId/versions/:version/publish', async (req, res) => {
    res.json(await service.publishVersion(principalOf(req), req.params.templateId, Number(req.params.version)));
  });
  r.post('/v1/form-templates/:templateId/versions/:version/retire', async (req, res) => {
    res.json(await service.retireVersion(principalOf(req), req.params.templateId, Number(req.params.version)));
  });

  r.get('/v1/cases/:caseId/forms', async (req, res) => {
    res.json(await service.caseForms(principalOf(req), req.params.caseId));
  });
  r.post('/v1/cases/:caseId/form-requests', async (req, res) => {
    const view = await service.requestForm(principalOf(req), req.params.caseId, req.body as FormRequestCreate);
    res.setHeader('Location', `/v1/form-requests/${view.id}`);
    // A new request's row version is 1 (the ETag a first draft save needs).
    sendRequest(res, 201, { view, version: 1 });
  });

  r.get('/v1/form-requests', async (req, res) => {
    const q = req.query as ListQuery;
    res.json(
      await service.listRequests(principalOf(req), {
        status: q.status,
        overdue: q.overdue,
        after: decodeCursor(q.cursor, 2),
        limit: q.limit ?? 25,
      }),
    );
  });
  r.get('/v1/form-requests/:requestId', async (req, res) => {
    sendRequest(res, 200, await service.getRequest(principalOf(req), req.params.requestId));
  });
  r.put('/v1/form-requests/:requestId/draft', async (req, res) => {
    const p = principalOf(req);
    sendRequest(res, 200, await service.saveDraft(p, req.params.requestId, requireIfMatch(req), req.body as FormDraftSave));
  });
  r.post('/v1/form-requests/:requestId/submit', async (req, res) => {
    const id = req.params.requestId;
    const outcome = await service.submit(principalOf(req), id, req.body as FormSubmit, req.get('idempotency-key'));
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).setHeader('Location', `/v1/form-requests/${id}/submissions/${outcome.body.revision}`).json(outcome.body);
  });
  r.get('/v1/form-requests/:requestId/submissions', async (req, res) => {
    res.json(await service.listSubmissions(principalOf(req), req.params.requestId));
  });
  r.get('/v1/form-requests/:requestId/submissions/:revision', async (req, res) => {
    res.json(await service.getSubmission(principalOf(req), req.params.requestId, Number(req.params.revision)));
  });
  r.post('/v1/form-requests/:requestId/withdraw', async (req, res) => {
    res.json(await service.close(principalOf(req), req.params.requestId, 'withdrawn', (req.body as FormRequestClose).reason));
  });
  r.post('/v1/form-requests/:requestId/waive', async (req, res) => {
    res.json(await service.close(principalOf(req), req.params.requestId, 'waived', (req.body as FormRequestClose).reason));
  });

  r.get('/v1/form-requests/:requestId/attachments', async (req, res) => {
    res.json(await service.listAttachments(principalOf(req), req.params.requestId));
  });
  // The body is the file itself: no parser reads it (express.json only takes JSON types); the use case reads it with its limit.
  r.post('/v1/form-requests/:requestId/attachments', async (req, res) => {
    const id = req.params.requestId;
    const length = Number(req.get('content-length') ?? NaN);
    const upload = {
      contentType: req.get('content-type'),
      filename: req.get('attachment-filename'),
      declaredLength: Number.isSafeInteger(length) ? length : undefined,
      body: req,
    };
    const outcome = await service.uploadAttachment(principalOf(req), id, upload, req.get('idempotency-key'));
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).setHeader('Location', `/v1/form-requests/${id}/attachments/${outcome.body.id}`).json(outcome.body);
  });
  r.get('/v1/form-requests/:requestId/attachments/:attachmentId', async (req, res) => {
    const { attachment, content } = await service.downloadAttachment(principalOf(req), req.params.requestId, req.params.attachmentId);
    res.status(200);
    res.setHeader('Content-Type', attachment.mediaType);
    res.setHeader('Content-Length', String(attachment.size));
    res.setHeader('Content-Disposition', attachmentDisposition(attachment.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Opened in a browser tab anyway: no scripts, no requests, a sandboxed origin.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('ETag', `"${attachment.sha256}"`);
    try {
      // Bytes, not objects, with a high-water mark of one: at most one slice is read ahead of what the socket has taken.
      await pipeline(Readable.from(content, { objectMode: false, highWaterMark: 1 }), res);
    } catch (err) {
      // The status line has gone: the only way left to say "incomplete" is to cut the response short.
      if (!res.writableFinished) req.ctx.log.warn({ err, attachmentId: attachment.id }, 'attachment download ended early');
      res.destroy();
    }
  });
  r.delete('/v1/form-requests/:requestId/attachments/:attachmentId', async (req, res) => {
    await service.deleteAttachment(principalOf(req), req.params.requestId, req.params.attachmentId);
    res.status(204).end();
  });
  return r;
}

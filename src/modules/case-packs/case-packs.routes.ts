import { Router } from 'express';
import { principalOf } from '../../access/authorize';
import { attachmentDisposition } from '../../platform/http/content-disposition';
import { notAcceptable, PACK_MEDIA_TYPES, type PackMediaType } from './case-packs.errors';
import type { CasePacksService } from './case-packs.service';
import { renderPackPdf } from './pack.pdf';

export function casePacksRouter(service: CasePacksService): Router {
  const r = Router();

  r.get('/v1/cases/:caseId/pack', async (req, res) => {
    // JSON when nothing (or */*) is asked for; 406 before any work when neither format is acceptable.
    const format = req.accepts([...PACK_MEDIA_TYPES]) as PackMediaType | false;
    if (!format) throw notAcceptable();
    const pack = await service.read(principalOf(req), req.params.caseId, format);
    if (format === 'application/json') {
      res.json(pack);
      return;
    }
    const pdf = await renderPackPdf(pack);
    res
      .status(200)
      .type('application/pdf')
      .setHeader('Content-Disposition', attachmentDisposition(`${pack.reference ?? 'case'}-pack.pdf`))
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(pdf);
  });

  return r;
}

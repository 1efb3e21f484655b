import type { Request } from 'express';

/** Tiny HTML pages for people in a browser (problem+json stays the answer for everything else). */

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** True when the caller (a browser) prefers HTML over JSON. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(['application/problem+json', 'application/json', 'text/html']) === 'text/html';
}

export function page(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</main>
</body>
</html>`;
}

export function refusalPage(p: { title: string; detail: string; code: string; requestId: string; retryUrl?: string }): string {
  return page(
    p.title,
    `<p>${escapeHtml(p.detail)}</p>
<p>Reason: <code>${escapeHtml(p.code)}</code>. If you contact support, quote reference <code>${escapeHtml(p.requestId)}</code>.</p>
${p.retryUrl ? `<p><a href="${escapeHtml(p.retryUrl)}">Try signing in again</a></p>` : ''}`,
  );
}

/**
 * `Content-Disposition: attachment` for a download (RFC 6266): the name in
 * UTF-8 as `filename*` (RFC 8187), with an ASCII `filename` for clients that
 * read only that. The browser saves the file rather than showing it.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // encodeURIComponent leaves ' ( ) * as they are; RFC 8187's attr-char does not allow them.
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

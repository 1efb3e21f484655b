import {
  ATTACHMENT_MEDIA_TYPES,
  DOCX,
  judgeContent,
  mediaTypeOf,
  type AttachmentMediaType,
} from '../../../src/modules/agency-forms/attachment-content';
import { cleanFilename } from '../../../src/modules/agency-forms/attachment-filename';
import { detectMediaType } from '../../../src/modules/agency-forms/content-sniff';
import { attachmentDisposition } from '../../../src/platform/http/content-disposition';
import * as files from '../../support/files';

// The rules over what an attachment may be (attachment-content.ts), fed by the real recogniser (file-type, through
// content-sniff.ts) on files built byte by byte (test/support/files.ts); the file name's cleaning; the download's
// Content-Disposition.

const judge = async (claimed: AttachmentMediaType, bytes: Buffer) =>
  judgeContent(claimed, await detectMediaType(bytes), bytes.subarray(0, 16));

describe('recognising and judging content', () => {
  it.each([
    ['application/pdf', files.pdf],
    ['image/png', files.png],
    ['image/jpeg', files.jpeg],
    ['image/tiff', files.tiff],
    [DOCX, files.docx],
  ] as const)('when a real %s is sent as what it is, then it is accepted as that type', async (type, make) => {
    expect(await detectMediaType(make())).toBe(type);
    expect(await judge(type, make())).toEqual({ ok: true, mediaType: type });
  });

  it('when every accepted type is listed, then each has a builder above (the table covers them all)', () => {
    expect([...ATTACHMENT_MEDIA_TYPES].sort()).toEqual(['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', DOCX].sort());
  });

  it.each([
    ['a PNG sent as a PDF', 'application/pdf', files.png, 'image/png'],
    ['a PDF sent as a PNG', 'image/png', files.pdf, 'application/pdf'],
    ['a DOCX sent as a PDF', 'application/pdf', files.docx, DOCX],
    ['a JPEG sent as a TIFF', 'image/tiff', files.jpeg, 'image/jpeg'],
  ] as const)('when %s, then it is refused as a mismatch naming what it is', async (_what, claimed, make, detectedType) => {
    expect(await judge(claimed, make())).toEqual({ ok: false, refusal: 'mismatch', detectedType });
  });

  it.each([
    ['a Windows program (PE)', files.windowsExecutable],
    ['a Linux program (ELF)', files.elfExecutable],
    ['a shell script with #!', files.shellScript],
    ['a plain ZIP archive', () => files.zip({ 'notes.txt': 'hello' })],
    ['a gzip archive', () => Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
  ])('when %s is sent as a PDF, then it is refused as an executable or archive', async (_what, make) => {
    expect(await judge('application/pdf', make())).toEqual({ ok: false, refusal: 'executable' });
  });

  it('when a program starts with MZ but the recogniser says nothing, then the signature alone refuses it', () => {
    expect(judgeContent('application/pdf', undefined, Buffer.from('MZ\x90\x00', 'latin1'))).toEqual({ ok: false, refusal: 'executable' });
    expect(judgeContent('image/png', 'application/x-msdownload', Buffer.from('xx'))).toEqual({ ok: false, refusal: 'executable' });
  });

  it.each([
    ['plain text', files.plainText],
    ['HTML', () => Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['random bytes', () => Buffer.from([0x13, 0x37, 0x00, 0x42, 0x99, 0x01, 0x02, 0x03])],
  ])('when %s is sent as a PDF, then it is refused as unrecognised', async (_what, make) => {
    expect(await judge('application/pdf', make())).toEqual({ ok: false, refusal: 'unrecognised' });
  });

  it('when the recogniser calls an animated PNG image/apng, then it is a PNG', () => {
    expect(judgeContent('image/png', 'image/apng', files.png())).toEqual({ ok: true, mediaType: 'image/png' });
  });

  it.each([
    ['application/pdf', 'application/pdf'],
    ['Application/PDF; name="x.pdf"', 'application/pdf'],
    ['  image/png  ', 'image/png'],
    ['', undefined],
    [undefined, undefined],
  ])('when the Content-Type is %j, then the media type is %j', (header, expected) => {
    expect(mediaTypeOf(header)).toBe(expected);
  });
});

describe('cleaning the file name', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['Post-mortem%20report%20%E2%80%93%20final.pdf', 'Post-mortem report – final.pdf'],
    ['..%2F..%2Fetc%2Fpasswd', 'passwd'],
    ['C:%5CUsers%5Cdr%5Creport.pdf', 'report.pdf'],
    ['report%0D%0AX-Injected%3A%201.pdf', 'reportX-Injected_ 1.pdf'],
    ['invoice%E2%80%AEfdp.exe', 'invoicefdp.exe'],
    ['what%3F%20%3Cthis%3E%20%22is%22%7C*.pdf', 'what_ _this_ _is___.pdf'],
    ['...hidden.pdf...', 'hidden.pdf'],
    ['caf\u00c3\u00a9.pdf', 'café.pdf'], // raw UTF-8 bytes, as Node's header parser hands them over (Latin-1)
  ])('when the header is %j, then the name is %j', (header, expected) => {
    expect(cleanFilename(header)).toEqual({ ok: true, filename: expected });
  });

  it.each([
    [undefined, 'is required'],
    ['', 'is required'],
    ['%E0%A4%A', 'is not valid percent-encoded UTF-8'],
    ['%FF.pdf', 'is not valid percent-encoded UTF-8'],
    ['..%2F..%2F', 'is empty'],
    ['%00%01%02', 'is empty'],
    ['a'.repeat(252) + '.pdf', 'is longer than 255 characters'],
  ])('when the header is %j, then it is refused (%s)', (header, message) => {
    const r = cleanFilename(header);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });

  it('when the name is exactly 255 characters, then it is kept whole', () => {
    const name = 'é'.repeat(251) + '.pdf';
    expect(cleanFilename(encodeURIComponent(name))).toEqual({ ok: true, filename: name });
  });
});

describe('the download’s Content-Disposition', () => {
  it.each([
    ['report.pdf', `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`],
    [
      'Post-mortem – final (v2).pdf',
      `attachment; filename="Post-mortem _ final (v2).pdf"; filename*=UTF-8''Post-mortem%20%E2%80%93%20final%20%28v2%29.pdf`,
    ],
    [`it's "quoted" 100%.pdf`, `attachment; filename="it's _quoted_ 100_.pdf"; filename*=UTF-8''it%27s%20%22quoted%22%20100%25.pdf`],
  ])('when the name is %j, then the header is %j', (name, header) => {
    expect(attachmentDisposition(name)).toBe(header);
  });
});

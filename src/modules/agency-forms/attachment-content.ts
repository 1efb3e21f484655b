/**
 * What a file attached to a form may be (issue 12): the rules over its claimed
 * type and what its bytes turn out to be. Pure: the bytes are recognised by
 * content-sniff.ts, and these functions judge the result.
 *
 * A file is accepted only when its claimed type (the upload's Content-Type) is
 * one the deployment allows (ATTACHMENT_TYPES) and is exactly what its content
 * is recognised as. Programs, scripts and archives are refused whatever they
 * claim; content whose type cannot be recognised (plain text, HTML, a script
 * without a signature) is refused too, so nothing unexamined is ever stored.
 */

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Every type an attachment can have: what the contract lists and ATTACHMENT_TYPES may choose from. */
export const ATTACHMENT_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', DOCX] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

/**
 * Types the recogniser (file-type) reports that are, or carry, code to run or
 * files to unpack: refused as EXECUTABLE, whatever the upload claimed. Archives
 * count, since what is inside them was never examined (a DOCX is a ZIP the
 * recogniser names as a DOCX, so it is not caught here); macro-enabled Office
 * files and compound files (MSI installers, legacy Office with macros) too.
 */
const EXECUTABLE_OR_ARCHIVE: ReadonlySet<string> = new Set([
  // programs and code
  'application/x-msdownload',
  'application/x-elf',
  'application/x-mach-binary',
  'application/java-vm',
  'application/java-archive',
  'application/wasm',
  'application/vnd.android.package-archive',
  'application/x-google-chrome-extension',
  'application/x-xpinstall',
  'application/x-shockwave-flash',
  'application/x.ms.shortcut',
  'application/x.apple.alias',
  'application/vnd.ms-htmlhelp',
  'application/x-ms-regedit',
  'application/x-ft-windows-registry-hive',
  'application/x-asar',
  'application/x-cfb',
  'application/vnd.ms-word.document.macroenabled.12',
  'application/vnd.ms-word.template.macroenabled.12',
  'application/vnd.ms-excel.sheet.macroenabled.12',
  'application/vnd.ms-excel.template.macroenabled.12',
  'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  'application/vnd.ms-powerpoint.slideshow.macroenabled.12',
  'application/vnd.ms-powerpoint.template.macroenabled.12',
  // archives and disk images
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-lz4',
  'application/x-lzip',
  'application/x-lzh-compressed',
  'application/x-arj',
  'application/x-ace-compressed',
  'application/x-compress',
  'application/x-tar',
  'application/x-cpio',
  'application/x-deb',
  'application/x-rpm',
  'application/x-unix-archive',
  'application/vnd.ms-cab-compressed',
  'application/x-apple-diskimage',
]);

/**
 * Signatures of programs and scripts checked here as well, so the refusal does
 * not depend on the recogniser's order of checks: Windows/DOS (MZ), ELF,
 * Mach-O (and universal binaries, which share CA FE BA BE with Java classes),
 * WebAssembly, and a script's `#!`. No accepted type starts with any of them.
 */
const EXECUTABLE_SIGNATURES: readonly (readonly number[])[] = [
  [0x4d, 0x5a], // MZ
  [0x7f, 0x45, 0x4c, 0x46], // \x7fELF
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  [0xca, 0xfe, 0xba, 0xbe],
  [0x00, 0x61, 0x73, 0x6d], // \0asm
  [0x23, 0x21], // #!
];

/** The recogniser's name for a type that is one of ours under another name: an animated PNG is a PNG. */
const SAME_TYPE_AS: Readonly<Record<string, AttachmentMediaType>> = { 'image/apng': 'image/png' };

type ContentVerdict =
  | { ok: true; mediaType: AttachmentMediaType }
  | { ok: false; refusal: 'executable' }
  | { ok: false; refusal: 'unrecognised' }
  | { ok: false; refusal: 'mismatch'; detectedType: string };

/**
 * Judges a file: `detected` is the recogniser's answer for its bytes
 * (undefined: not recognised), `head` its first bytes, `claimed` the type it
 * was sent as (already one the deployment allows).
 */
export function judgeContent(claimed: AttachmentMediaType, detected: string | undefined, head: Uint8Array): ContentVerdict {
  if (startsWithExecutableSignature(head) || (detected !== undefined && EXECUTABLE_OR_ARCHIVE.has(detected))) {
    return { ok: false, refusal: 'executable' };
  }
  if (detected === undefined) return { ok: false, refusal: 'unrecognised' };
  const actual = SAME_TYPE_AS[detected] ?? detected;
  if (actual !== claimed) return { ok: false, refusal: 'mismatch', detectedType: actual };
  return { ok: true, mediaType: claimed };
}

function startsWithExecutableSignature(head: Uint8Array): boolean {
  return EXECUTABLE_SIGNATURES.some((sig) => head.length >= sig.length && sig.every((b, i) => head[i] === b));
}

/**
 * The media type of a Content-Type header, lower-cased and without parameters
 * (`Application/PDF; name=x` → `application/pdf`); undefined when absent.
 */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

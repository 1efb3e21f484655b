/**
 * The file name an uploader gives (the Attachment-Filename header,
 * percent-encoded UTF-8), cleaned so it can be shown and offered back on
 * download safely: only the last path segment is kept (a name never says where
 * to write), control characters and bidirectional overrides (which can make
 * `report‮fdp.exe` read as `reportexe.pdf`) are removed, characters Windows
 * refuses in names become `_`, and surrounding spaces and dots go. Pure.
 */

const FILENAME_MAX_LENGTH = 255;

type FilenameResult = { ok: true; filename: string } | { ok: false; message: string };

// C0 and C1 controls, DEL; bidirectional embeddings, overrides and isolates; zero-width and BOM characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const WINDOWS_RESERVED = /[<>:"|?*]/g;

export function cleanFilename(header: string | undefined): FilenameResult {
  if (header === undefined || header === '') return { ok: false, message: 'is required' };
  const decoded = decodeHeader(header);
  if (decoded === undefined) return { ok: false, message: 'is not valid percent-encoded UTF-8' };
  const lastSegment = decoded.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    .replace(UNSAFE, '')
    .replace(WINDOWS_RESERVED, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!cleaned) return { ok: false, message: 'is empty once folders, control characters and surrounding dots are removed' };
  if ([...cleaned].length > FILENAME_MAX_LENGTH) return { ok: false, message: `is longer than ${FILENAME_MAX_LENGTH} characters` };
  return { ok: true, filename: cleaned };
}

/**
 * Percent-encoded UTF-8, as documented. A client that sends the name's UTF-8
 * bytes as they are gets them back as Latin-1 characters from Node's header
 * parser: such a value (any character above 0x7F) is read as the raw UTF-8 it
 * was, not percent-decoded. Undefined when neither reading is valid UTF-8.
 */
function decodeHeader(header: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- the ASCII range
  if (/[^\u0000-\u007f]/.test(header)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(header, 'latin1'));
    } catch {
      return undefined;
    }
  }
  try {
    return decodeURIComponent(header);
  } catch {
    return undefined;
  }
}

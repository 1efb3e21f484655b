// Recognises a file's type from its bytes with file-type (signatures, and for
// ZIP-based formats such as DOCX the package's entries, read with file-type's
// own size limits). file-type 21 is published as ES modules only: Node ≥ 20.19
// loads it from this CommonJS service with a dynamic import, as jose is
// (src/auth/api-clients/jose.ts), and under jest swc compiles it and the
// packages it imports (jest.config.js). Its `core` entry point (buffers and
// tokenizers, no file system) is all we use.
const load = () => import('file-type/core');

let loading: ReturnType<typeof load> | undefined;

/** The recognised media type of `bytes`, or undefined when file-type recognises nothing. */
export async function detectMediaType(bytes: Uint8Array): Promise<string | undefined> {
  const { fileTypeFromBuffer } = await (loading ??= load());
  return (await fileTypeFromBuffer(bytes))?.mime;
}

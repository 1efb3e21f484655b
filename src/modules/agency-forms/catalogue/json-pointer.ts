/** JSON pointers (RFC 6901), the names of answers in errors, display and completeness. */

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** '/section/question' from ['section', 'question']. */
export function pointerOf(...tokens: string[]): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}

export function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a pointer names, or undefined; only own properties (a pointer never reaches the prototype). */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointerTokens(pointer)) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

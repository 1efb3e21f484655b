// jose 6 is published as ES modules only. Node ≥ 20.19 can load it from this
// CommonJS service, but TypeScript's node16 module mode refuses a static
// import of an ES module from CommonJS, so it is loaded once with a dynamic
// import (types come from `import type … with { 'resolution-mode': 'import' }`).
// Under jest, swc compiles jose to CommonJS (see jest.config.js).
const load = () => import('jose');

type Jose = Awaited<ReturnType<typeof load>>;

let loading: Promise<Jose> | undefined;

export function jose(): Promise<Jose> {
  return (loading ??= load());
}

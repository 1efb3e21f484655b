import { clientCache } from '../../src/auth/api-clients/client-cache';

/** A load function that counts its calls and answers `value` (or what `next` says). */
function loader<V>(value: V) {
  const calls: string[] = [];
  const load = (id: string) => async () => {
    calls.push(id);
    return value;
  };
  return { calls, load };
}

/** A load that resolves only when told, to interleave it with notifications. */
function deferredLoad<V>(value: V) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { release, load: async () => (await released, value) };
}

describe('clientCache', () => {
  it('when not yet usable (no listener), then every get loads and nothing is kept', async () => {
    const c = clientCache<string>();
    const { calls, load } = loader('row');
    expect(await c.get('a', load('a'))).toBe('row');
    expect(await c.get('a', load('a'))).toBe('row');
    expect(calls).toEqual(['a', 'a']);
    expect(c.size).toBe(0);
  });

  it('when usable, then the second get of an id is answered from memory, a "not enabled" answer included', async () => {
    const c = clientCache<string | undefined>();
    c.reset(true);
    const { calls, load } = loader<string | undefined>(undefined);
    expect(await c.get('a', load('a'))).toBeUndefined();
    expect(await c.get('a', load('a'))).toBeUndefined();
    expect(calls).toEqual(['a']);
  });

  it('when an id is evicted (its row changed), then only that id is loaded again', async () => {
    const c = clientCache<string>();
    c.reset(true);
    const { calls, load } = loader('row');
    await c.get('a', load('a'));
    await c.get('b', load('b'));
    c.evict('a');
    await c.get('a', load('a'));
    await c.get('b', load('b'));
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it('when reset as not usable (listener lost), then everything is dropped and every get loads until reset as usable again', async () => {
    const c = clientCache<string>();
    c.reset(true);
    const { calls, load } = loader('row');
    await c.get('a', load('a'));
    c.reset(false);
    expect(c.size).toBe(0);
    await c.get('a', load('a'));
    await c.get('a', load('a'));
    c.reset(true);
    await c.get('a', load('a'));
    await c.get('a', load('a'));
    expect(calls).toEqual(['a', 'a', 'a', 'a']);
  });

  it('when an entry reaches its maximum age, then it is loaded again (age counted from the start of its load)', async () => {
    let now = 1_000;
    const c = clientCache<string>({ maxAgeMs: 60_000, now: () => now });
    c.reset(true);
    const { calls, load } = loader('row');
    await c.get('a', load('a'));
    now += 59_999;
    await c.get('a', load('a'));
    now += 1;
    await c.get('a', load('a'));
    await c.get('a', load('a'));
    expect(calls).toEqual(['a', 'a']);
  });

  it('when more ids than the bound are loaded, then the oldest go first and the size stays at the bound', async () => {
    const c = clientCache<string>({ max: 3 });
    c.reset(true);
    const { calls, load } = loader('row');
    for (const id of ['a', 'b', 'c', 'd']) await c.get(id, load(id));
    expect(c.size).toBe(3);
    calls.length = 0;
    for (const id of ['b', 'c', 'd']) await c.get(id, load(id));
    expect(calls).toEqual([]);
    await c.get('a', load('a'));
    expect(calls).toEqual(['a']);
    expect(c.size).toBe(3);
  });

  it.each([
    ['its own id is evicted', (c: ReturnType<typeof clientCache<string>>) => c.evict('a')],
    ['another id is evicted', (c: ReturnType<typeof clientCache<string>>) => c.evict('b')],
    ['the listener reconnects', (c: ReturnType<typeof clientCache<string>>) => c.reset(true)],
    ['the listener is lost', (c: ReturnType<typeof clientCache<string>>) => c.reset(false)],
  ])(
    'when %s while a load is under way, then that load answers its caller but is not kept (it may predate the change)',
    async (_name, change) => {
      const c = clientCache<string>();
      c.reset(true);
      const slow = deferredLoad('read before the commit');
      const pending = c.get('a', slow.load);
      change(c);
      slow.release();
      expect(await pending).toBe('read before the commit');
      expect(c.size).toBe(0);
    },
  );
});

/** Client lookups kept per process; at most this many (oldest first out)... */
const CLIENT_CACHE_MAX = 10_000;
/** ...and none older than this, whatever the notifications say. */
const CLIENT_CACHE_MAX_AGE_MS = 60_000;

interface ClientCacheOptions {
  max?: number;
  maxAgeMs?: number;
  /** milliseconds, monotonic; a parameter for tests */
  now?: () => number;
}

/**
 * A per-process cache of lookups by id, kept correct by change notifications
 * (see bearer.authenticator.ts for why that is as good as looking up every
 * time). It answers from memory only while it is `usable`, that is while the
 * notifications are known to arrive; otherwise every call loads.
 */
export interface ClientCache<V> {
  /** The cached value for id, or load()'s (kept for next time unless something changed meanwhile). */
  get(id: string, load: () => Promise<V>): Promise<V>;
  /** id changed: forget it. */
  evict(id: string): void;
  /** Forget everything; `usable` says whether changes are announced from now on. */
  reset(usable: boolean): void;
  readonly usable: boolean;
  readonly size: number;
}

export function clientCache<V>(options: ClientCacheOptions = {}): ClientCache<V> {
  const max = options.max ?? CLIENT_CACHE_MAX;
  const maxAgeMs = options.maxAgeMs ?? CLIENT_CACHE_MAX_AGE_MS;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { value: V; loadedAt: number }>();
  let usable = false;
  // Bumped by every eviction and reset. A load that started before a bump may
  // have read the row before the change it announces committed: its result is
  // returned to its own caller (as an uncached lookup would be) but not kept.
  let generation = 0;

  return {
    async get(id, load) {
      if (usable) {
        const hit = entries.get(id);
        if (hit && now() - hit.loadedAt < maxAgeMs) return hit.value;
        if (hit) entries.delete(id);
      }
      const startedIn = generation;
      const loadedAt = now();
      const value = await load();
      if (usable && startedIn === generation) {
        entries.delete(id);
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(id, { value, loadedAt });
      }
      return value;
    },
    evict(id) {
      generation += 1;
      entries.delete(id);
    },
    reset(nowUsable) {
      generation += 1;
      entries.clear();
      usable = nowUsable;
    },
    get usable() {
      return usable;
    },
    get size() {
      return entries.size;
    },
  };
}

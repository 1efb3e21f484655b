import { CATEGORIES_OF_DEATH } from '../agency-forms';

/**
 * The ten national categories of death with their national wording (docs/domain.md, "The ten categories of death"),
 * as the analysis form states them (the agency-forms catalogue's CATEGORIES_OF_DEATH, the one place the wording
 * lives). Hierarchical: where several fit, the lowest number is recorded.
 */
export type DeathCategory = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export const DEATH_CATEGORIES: Readonly<Record<DeathCategory, string>> = Object.freeze(
  Object.fromEntries(CATEGORIES_OF_DEATH.map(([n, wording]) => [n, wording])) as Record<DeathCategory, string>,
);

export function isDeathCategory(n: unknown): n is DeathCategory {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;
}

/** The category with its national wording, or null when not known yet (or not one of the ten). */
export function categoryOf(n: number | null | undefined): { number: DeathCategory; wording: string } | null {
  return isDeathCategory(n) ? { number: n, wording: DEATH_CATEGORIES[n] } : null;
}

import { CATEGORIES_OF_DEATH } from '../agency-forms';

/**
 * The ten national categories of death with their national wording (docs/domain.md, "The ten categories of death"),
 * as the analysis form states them: read from the agency-forms catalogue's CATEGORIES_OF_DEATH, the one place the
 * wording lives (read when asked, not when this file loads, so the order modules load in does not matter).
 * Hierarchical: where several fit, the lowest number is recorded.
 */
export type DeathCategory = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export function isDeathCategory(n: unknown): n is DeathCategory {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;
}

/** The national wording of a category. */
export function deathCategoryWording(n: DeathCategory): string {
  const found = CATEGORIES_OF_DEATH.find(([number]) => number === n);
  if (!found) throw new Error(`category ${n} has no wording in the catalogue`);
  return found[1];
}

/** The category with its national wording, or null when not known yet (or not one of the ten). */
export function categoryOf(n: number | null | undefined): { number: DeathCategory; wording: string } | null {
  return isDeathCategory(n) ? { number: n, wording: deathCategoryWording(n) } : null;
}

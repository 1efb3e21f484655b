import { CATEGORIES_OF_DEATH as NATIONAL } from '../agency-forms';

/**
 * The ten national categories of death (docs/domain.md, "The ten categories of death"). Their wording lives in one
 * place, the agency-forms catalogue's analysis form (CATEGORIES_OF_DEATH), and is read from there when asked, not
 * when this file loads, so the order modules load in does not matter. Hierarchical: where several fit, the
 * lowest-numbered is recorded.
 */
export type CategoryOfDeath = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export function isCategoryOfDeath(n: unknown): n is CategoryOfDeath {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;
}

/** Every category with its national wording, in the national order. */
export function categoriesOfDeath(): { number: CategoryOfDeath; label: string }[] {
  return NATIONAL.map(([number, label]) => ({ number: number as CategoryOfDeath, label }));
}

/** The national wording of a category. */
export function categoryLabel(n: CategoryOfDeath): string {
  const found = NATIONAL.find(([number]) => number === n);
  if (!found) throw new Error(`category ${n} has no wording in the catalogue`);
  return found[1];
}

/** The category recorded when the panel considered several: the lowest-numbered (the national hierarchy); null for none. */
export function recordedCategory(considered: readonly CategoryOfDeath[]): CategoryOfDeath | null {
  return considered.length ? (Math.min(...considered) as CategoryOfDeath) : null;
}

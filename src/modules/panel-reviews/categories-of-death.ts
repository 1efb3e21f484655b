/**
 * The ten national categories of death, with their national wording (docs/domain.md, "The ten categories of
 * death"). Hierarchical: where several fit, the lowest-numbered is recorded.
 */
export const CATEGORIES_OF_DEATH = [
  { number: 1, label: 'Deliberately inflicted injury, abuse or neglect' },
  { number: 2, label: 'Suicide or deliberate self-inflicted harm' },
  { number: 3, label: 'Trauma and other external factors' },
  { number: 4, label: 'Malignancy' },
  { number: 5, label: 'Acute medical or surgical condition' },
  { number: 6, label: 'Chronic medical condition' },
  { number: 7, label: 'Chromosomal, genetic and congenital anomalies' },
  { number: 8, label: 'Perinatal/neonatal event' },
  { number: 9, label: 'Infection' },
  { number: 10, label: 'Sudden unexpected, unexplained death' },
] as const satisfies readonly { number: number; label: string }[];

export type CategoryOfDeath = (typeof CATEGORIES_OF_DEATH)[number]['number'];

export function isCategoryOfDeath(n: unknown): n is CategoryOfDeath {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= CATEGORIES_OF_DEATH.length;
}

/** The national wording of a category. */
export function categoryLabel(n: CategoryOfDeath): string {
  return CATEGORIES_OF_DEATH[n - 1]!.label;
}

/** The category recorded when the panel considered several: the lowest-numbered (the national hierarchy); null for none. */
export function recordedCategory(considered: readonly CategoryOfDeath[]): CategoryOfDeath | null {
  return considered.length ? (Math.min(...considered) as CategoryOfDeath) : null;
}

/**
 * The ten national categories of death, in the national wording (docs/domain.md, "The ten categories of death").
 * Hierarchical: where several fit, the lowest number is recorded. The one place the wording lives.
 */
export const DEATH_CATEGORIES = {
  1: 'Deliberately inflicted injury, abuse or neglect',
  2: 'Suicide or deliberate self-inflicted harm',
  3: 'Trauma and other external factors',
  4: 'Malignancy',
  5: 'Acute medical or surgical condition',
  6: 'Chronic medical condition',
  7: 'Chromosomal, genetic and congenital anomalies',
  8: 'Perinatal/neonatal event',
  9: 'Infection',
  10: 'Sudden unexpected, unexplained death',
} as const satisfies Record<number, string>;

export type DeathCategory = keyof typeof DEATH_CATEGORIES;

export function isDeathCategory(n: unknown): n is DeathCategory {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10;
}

/** The category with its national wording, or null when not known yet (or not one of the ten). */
export function categoryOf(n: number | null | undefined): { number: DeathCategory; wording: string } | null {
  return isDeathCategory(n) ? { number: n, wording: DEATH_CATEGORIES[n] } : null;
}

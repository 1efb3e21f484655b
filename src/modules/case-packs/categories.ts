import { categoryLabel, isCategoryOfDeath, type CategoryOfDeath } from '../panel-reviews';

/**
 * A case's category with its national wording, as the pack shows it (the panel-reviews module owns the categories;
 * their wording is the agency-forms catalogue's: docs/domain.md, "The ten categories of death").
 */
export type DeathCategory = CategoryOfDeath;
export const deathCategoryWording = categoryLabel;

/** The category with its national wording, or null when not known yet (or not one of the ten). */
export function categoryOf(n: number | null | undefined): { number: DeathCategory; wording: string } | null {
  return isCategoryOfDeath(n) ? { number: n, wording: categoryLabel(n) } : null;
}

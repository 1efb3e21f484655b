import type { Scenario } from '../lib/scenario';
import { directoryCreate } from './directory-create';
import { formSubmit } from './form-submit';
import { intake, intakeFloor } from './intake';
import { scrRulesScenarios } from './scr-rules';

/** Every scenario, in the order a full run executes them. Add new scenario modules here. */
export const SCENARIOS: readonly Scenario[] = [directoryCreate, intake, intakeFloor, formSubmit, ...scrRulesScenarios];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

// Every migration, in order. Listed explicitly (no globs) so tsc, swc and the
// built dist all load the same set.
import { Directory1764057600000 } from './1764057600000-directory';

export const MIGRATIONS = [Directory1764057600000];

// Who an approval or a notice names: the people of a roster's groups (plain, for the workflow sandbox too).
import type { Roster } from './roster.js';

/** The distinct people of the given groups. */
export function peopleOf(roster: Roster, groups: readonly string[]): string[] {
  return [...new Set(groups.flatMap((g) => roster.groups[g] ?? []))];
}

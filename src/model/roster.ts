// The roster (`_roster.yaml`): people with their identities, and the groups approvals name.
import { z } from 'zod';

export const Person = z.strictObject({
  name: z.string().min(1).optional(),
  slack: z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id looks like U0123ABCD').optional(),
  email: z.email().optional(),
  /** SHA-256 (hex) of the person's personal API token; the token itself is never stored. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of a token, as 64 lower-case hex digits').optional(),
});
export type Person = z.infer<typeof Person>;

const Handle = z.string().regex(/^[a-z][a-z0-9._-]*$/, 'a person handle is lower-case letters, digits, ".", "_" and "-"');

export const Roster = z.strictObject({
  people: z.record(Handle, Person).default({}),
  groups: z.record(z.string().min(1), z.array(Handle)).default({}),
  /**
   * Groups whose membership follows a Slack user group (usergroups.users.list) when an incident opens: the listed
   * people of the group who are in the user group then. The listed members stand when Slack cannot be asked.
   */
  slackUsergroups: z.record(z.string().min(1), z.string().regex(/^S[A-Z0-9]+$/, 'a Slack user group id looks like S0123ABCD')).optional(),
}).superRefine((roster, ctx) => {
  for (const group of Object.keys(roster.slackUsergroups ?? {})) {
    if (!roster.groups[group]) ctx.addIssue({ code: 'custom', path: ['slackUsergroups', group], message: `"${group}" is not under groups: list the people who may be in it` });
  }
  for (const [group, members] of Object.entries(roster.groups)) {
    members.forEach((m, i) => {
      if (!roster.people[m]) ctx.addIssue({ code: 'custom', path: ['groups', group, i], message: `"${m}" is not listed under people` });
    });
  }
});
export type Roster = z.infer<typeof Roster>;

export const EMPTY_ROSTER: Roster = { people: {}, groups: {} };

/** The distinct people of the given groups. */
export function peopleOf(roster: Roster, groups: readonly string[]): string[] {
  return [...new Set(groups.flatMap((g) => roster.groups[g] ?? []))];
}

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

/** A secret named, never written: an environment variable or a file the engine reads when it starts. */
export const SecretRef = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, upper case') }),
  z.strictObject({ file: z.string().min(1) }),
], { error: 'a secret is given as { env: VARIABLE } or { file: /path/to/file }, never as its value' });
export type SecretRef = z.infer<typeof SecretRef>;

/** How a group is paged: a PagerDuty service (Events API v2 integration key) or an Opsgenie API integration. */
export const Pager = z.union([
  z.strictObject({ pagerduty: z.strictObject({ routingKey: SecretRef }) }),
  z.strictObject({ opsgenie: z.strictObject({ apiKey: SecretRef, priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).default('P1') }) }),
], { error: 'a group is paged with { pagerduty: { routingKey } } or { opsgenie: { apiKey } }' });
export type Pager = z.infer<typeof Pager>;

/** Who a communication plan's message reaches: a Slack channel, an email list, or both. */
export const Audience = z.strictObject({
  slack: z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id looks like C0123ABCD').optional(),
  email: z.array(z.email()).min(1).optional(),
}).refine((a) => a.slack !== undefined || a.email !== undefined, 'an audience needs a slack channel, an email list, or both');
export type Audience = z.infer<typeof Audience>;

const Handle = z.string().regex(/^[a-z][a-z0-9._-]*$/, 'a person handle is lower-case letters, digits, ".", "_" and "-"');

export const Roster = z.strictObject({
  people: z.record(Handle, Person).default({}),
  groups: z.record(z.string().min(1), z.array(Handle)).default({}),
  /**
   * Groups whose membership follows a Slack user group (usergroups.users.list) when an incident opens: the listed
   * people of the group who are in the user group then. The listed members stand when Slack cannot be asked.
   */
  slackUsergroups: z.record(z.string().min(1), z.string().regex(/^S[A-Z0-9]+$/, 'a Slack user group id looks like S0123ABCD')).optional(),
  /** Groups that are paged when a step waits for them (their approval, or an escalation to them). */
  paging: z.record(z.string().min(1), Pager).optional(),
  /** Who the runbooks' communication plans write to, by name (execs, legal, customers-support…). */
  audiences: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'an audience name is lower-case letters, digits and dashes'), Audience).optional(),
}).superRefine((roster, ctx) => {
  for (const group of Object.keys(roster.paging ?? {})) {
    if (!roster.groups[group]) ctx.addIssue({ code: 'custom', path: ['paging', group], message: `"${group}" is not under groups: page a group the runbooks name` });
  }
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

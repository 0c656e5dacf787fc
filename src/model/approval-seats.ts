// Who may vote on an approval and which approvals fill its seats (runbooks/README.md §2). Pure and free of zod: the workflow judges votes with it.
import { durationMs } from './duration.js';
import type { Approval } from './runbook.js';
import type { Roster } from './roster.js';

/** The group that may abort and force-advance an incident, and is always asked about a failed step. */
export const COMMANDERS = 'incident-commanders';

/** One seat of an approval: filled by a member of `group`, or by any allowed voter when `group` is undefined. */
export type Seat = string | undefined;

/** The group names an approval draws voters from, in the order written. */
export function groupsOf(approval: Approval): string[] {
  return approval.from.map((f) => (typeof f === 'string' ? f : f.group));
}

/** Distinct approvals needed: `quorum`, else the sum of the groups' counts, else 1. */
export function quorumOf(approval: Approval): number {
  const counted = approval.from.reduce((n, f) => n + (typeof f === 'string' ? 0 : f.count), 0);
  return approval.quorum ?? Math.max(1, counted);
}

/** The groups as people read them: "1 of kafka-oncall", "secops". */
export function describeFrom(approval: Approval): string[] {
  return approval.from.map((f) => (typeof f === 'string' ? f : `${f.count} of ${f.group}`));
}

/** Each team's seats first, then the open seats anyone allowed may fill, up to the quorum. */
export function seatsOf(approval: Approval): Seat[] {
  const seats: Seat[] = approval.from.flatMap((f) => (typeof f === 'string' ? [] : Array<Seat>(f.count).fill(f.group)));
  while (seats.length < quorumOf(approval)) seats.push(undefined);
  return seats;
}

const membersOf = (roster: Roster, group: string): readonly string[] => roster.groups[group] ?? [];

/** Who may vote: members of the `from` groups, and the escalation's people once it happened (when they may decide). */
export function votersOf(approval: Approval, roster: Roster, escalatedTo: readonly string[] = []): string[] {
  return [...new Set([...groupsOf(approval).flatMap((g) => membersOf(roster, g)), ...escalatedTo])];
}

/**
 * Which seat each approver fills, as many seats as possible (a small bipartite matching): a person counts once even
 * when in several groups, filling whichever of their groups' seats the others leave open. An escalated person may fill
 * any seat: they stand in for the team that did not answer.
 */
export function fillSeats(approval: Approval, roster: Roster, approvers: readonly string[], escalatedTo: readonly string[] = []): Map<number, string> {
  const seats = seatsOf(approval);
  const voters = new Set(votersOf(approval, roster, escalatedTo));
  const fits = (person: string, seat: Seat) =>
    voters.has(person) && (seat === undefined || escalatedTo.includes(person) || membersOf(roster, seat).includes(person));
  const holder = new Map<number, string>();
  const place = (person: string, tried: Set<number>): boolean => {
    for (let i = 0; i < seats.length; i++) {
      if (tried.has(i) || !fits(person, seats[i])) continue;
      tried.add(i);
      const current = holder.get(i);
      if (current === undefined || place(current, tried)) {
        holder.set(i, person);
        return true;
      }
    }
    return false;
  };
  for (const person of new Set(approvers)) place(person, new Set());
  return holder;
}

/** What an approval still needs, in words ("1 of secops", "1 more approval"), from the seats left open. */
export function stillNeeded(approval: Approval, filled: Map<number, string>): string {
  const open = new Map<string, number>();
  seatsOf(approval).forEach((seat, i) => {
    if (!filled.has(i)) open.set(seat ?? '', (open.get(seat ?? '') ?? 0) + 1);
  });
  return [...open].map(([group, n]) => (group ? `${n} of ${group}` : `${n} more approval${n > 1 ? 's' : ''}`)).join(' and ');
}

/** Who answers a failed step's question (`onFailure: ask`): its approval's voters, and the incident commanders. */
export function askedOf(approval: Approval | undefined, roster: Roster): string[] {
  return [...new Set([...(approval ? votersOf(approval, roster) : []), ...membersOf(roster, COMMANDERS)])];
}

/** How long a failed step's question waits for an answer: its approval's timeout, else an hour; then the incident aborts. */
export function askTimeoutMs(approval: Approval | undefined): number {
  return approval ? durationMs(approval.timeout) : 60 * 60 * 1000;
}

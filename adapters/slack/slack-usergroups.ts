// Roster groups that follow Slack user groups: resolved when an incident opens, so who may decide is pinned with it.
import type { WebClient } from '@slack/web-api';
import type { Roster } from '../../src/model/roster.js';

/** Returns a resolver that narrows each linked group to its listed people now in the Slack user group (cached a minute). */
export function usergroupResolver(client: WebClient, log: { warn(fields: object, message: string): void }, ttlMs = 60_000): (roster: Roster) => Promise<Roster> {
  // Failures are remembered too (as "no answer"): during a Slack outage an alert storm must not wait on Slack per alert.
  const cache = new Map<string, { users?: Set<string>; until: number }>();
  const usersOf = async (usergroup: string): Promise<Set<string> | undefined> => {
    const hit = cache.get(usergroup);
    if (hit && hit.until > Date.now()) return hit.users;
    let users: Set<string> | undefined;
    try {
      users = new Set((await client.usergroups.users.list({ usergroup })).users ?? []);
    } catch (err) {
      log.warn({ usergroup, error: err instanceof Error ? err.message : String(err) }, 'cannot read the Slack user group: its listed members stand for a minute');
    }
    cache.set(usergroup, { users, until: Date.now() + ttlMs });
    return users;
  };
  return async (roster) => {
    const linked = Object.entries(roster.slackUsergroups ?? {});
    if (linked.length === 0) return roster;
    const groups = { ...roster.groups };
    await Promise.all(linked.map(async ([group, usergroup]) => {
      const users = await usersOf(usergroup);
      if (users) groups[group] = (roster.groups[group] ?? []).filter((handle) => users.has(roster.people[handle]?.slack ?? ''));
    }));
    return { ...roster, groups };
  };
}

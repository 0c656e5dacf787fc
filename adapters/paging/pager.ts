// The pagers of the roster's groups, their keys read once at start-up from the environment or files the roster names.
import { readFileSync } from 'node:fs';
import { KafkaIrError } from '../../src/model/errors.js';
import type { PageRequest } from '../../src/model/paging.js';
import type { Roster, SecretRef } from '../../src/model/roster.js';
import { OPSGENIE_API_URL, sendOpsgenie } from './opsgenie.js';
import { PAGERDUTY_EVENTS_URL, sendPagerDuty } from './pagerduty.js';

export interface PagingSettings { pagerDutyUrl?: string; opsgenieUrl?: string }

type Target = { vendor: 'pagerduty'; key: string } | { vendor: 'opsgenie'; key: string; priority: string };

export interface Pager {
  /** The groups that have a pager. */
  readonly groups: ReadonlySet<string>;
  /** Which vendor pages a group (for the timeline). */
  vendorOf(group: string): 'pagerduty' | 'opsgenie';
  send(page: PageRequest, incidentUrl: string): Promise<void>;
}

function readSecret(ref: SecretRef, readEnv: (name: string) => string | undefined, where: string): string {
  if ('env' in ref) {
    const value = readEnv(ref.env)?.trim();
    if (!value) throw new KafkaIrError('INVALID_CONFIG', `${where} names ${ref.env}, which is not set`, `set ${ref.env} in the engine's environment, or name a file`);
    return value;
  }
  try {
    const value = readFileSync(ref.file, 'utf8').trim();
    if (value) return value;
  } catch {
    // Said below without the error's text, which could quote the file.
  }
  throw new KafkaIrError('INVALID_CONFIG', `${where} names the file ${ref.file}, which cannot be read or is empty`, 'put the key alone in that file, readable by the engine');
}

/** Undefined when no group is paged. Refuses to start, naming the group and the variable or file, when a key is missing. */
export function createPager(roster: Roster, readEnv: (name: string) => string | undefined, settings: PagingSettings = {}): Pager | undefined {
  const entries = Object.entries(roster.paging ?? {});
  if (entries.length === 0) return undefined;
  const targets = new Map<string, Target>(entries.map(([group, p]) => [group, 'pagerduty' in p
    ? { vendor: 'pagerduty', key: readSecret(p.pagerduty.routingKey, readEnv, `_roster.yaml paging.${group}.pagerduty.routingKey`) }
    : { vendor: 'opsgenie', key: readSecret(p.opsgenie.apiKey, readEnv, `_roster.yaml paging.${group}.opsgenie.apiKey`), priority: p.opsgenie.priority }]));
  return {
    groups: new Set(targets.keys()),
    vendorOf: (group) => targets.get(group)!.vendor,
    async send(page, incidentUrl) {
      const t = targets.get(page.group);
      if (!t) return;
      if (t.vendor === 'pagerduty') await sendPagerDuty(settings.pagerDutyUrl ?? PAGERDUTY_EVENTS_URL, page, t.key, incidentUrl);
      else await sendOpsgenie(settings.opsgenieUrl ?? OPSGENIE_API_URL, page, t.key, t.priority, incidentUrl);
    },
  };
}

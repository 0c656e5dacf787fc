// Pages as the incident sees them (pure): the key of a step's page, and what a notice asks of each paged group.
import type { Notice } from './notice.js';

/** One page per incident and step: PagerDuty's dedup_key and Opsgenie's alias, the same on every retry and every run. */
export function pageKey(incidentId: string, step: string): string {
  return `kafka-ir/${incidentId}/${step}`;
}

/** The incident and step a page key names, or undefined for a page kafka-ir did not send. */
export function parsePageKey(key: string): { incidentId: string; step: string } | undefined {
  const m = /^kafka-ir\/([^/]+)\/([a-z][a-z0-9-]*)$/.exec(key);
  return m ? { incidentId: m[1]!, step: m[2]! } : undefined;
}

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/** One call to a pager: open, acknowledge or resolve the page of `step` for `group`. */
export interface PageRequest { action: PageAction; group: string; step: string; key: string; summary: string; severity: string; incidentId: string }

/**
 * What a notice does to pages: an approval pages the groups who may decide; an escalation pages the groups it reaches;
 * the first vote acknowledges (someone is on it); the end of the wait resolves every page of the step; the close
 * resolves any still open (an abort ends waits without a decision notice).
 */
export function pagesFor(notice: Notice, paged: ReadonlySet<string>): PageRequest[] {
  const { incident } = notice;
  const drill = incident.dryRun ? '[dry run] ' : '';
  const make = (action: PageAction, step: string, groups: readonly string[], what = '') => groups.filter((g) => paged.has(g)).map((group) => ({
    action, group, step, key: pageKey(incident.id, step), incidentId: incident.id, severity: incident.severity,
    summary: `${drill}kafka-ir ${incident.id}: step "${step}" ${what}waits for ${group} — ${incident.alert.summary}`.slice(0, 1024),
  }));
  switch (notice.kind) {
    case 'approval': return make('trigger', notice.approval.step, notice.approval.from);
    case 'escalated': return make('trigger', notice.approval.step, notice.to, '(escalated) ');
    case 'decision': {
      const a = notice.approval;
      if (a.state !== 'waiting') return make('resolve', a.step, a.asked ?? a.from);
      return a.votes.length === 1 ? make('acknowledge', a.step, a.asked ?? a.from) : [];
    }
    case 'closed': return (notice.summary.asked ?? []).flatMap((s) => make('resolve', s.step, s.groups));
    default: return [];
  }
}

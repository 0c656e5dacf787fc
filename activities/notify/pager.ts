// notifyPager: pages the groups a notice concerns through adapters/paging; each page sent is returned for the incident's timeline.
import { ApplicationFailure } from '@temporalio/common';
import type { Notice, NoticeOutcome } from '../../src/model/notice.js';
import { pagesFor } from '../../src/model/paging.js';
import type { Pager } from '../../adapters/paging/pager.js';
import { PagerError } from '../../adapters/paging/pager-error.js';

/** `pager` is unset when the roster pages no group. */
export interface PagerActivityDeps { pager?: Pager; publicUrl: string }

export function pagerActivities({ pager, publicUrl }: PagerActivityDeps) {
  return {
    /** Idempotent: a page is keyed by incident and step, so a retry re-sends the same trigger, acknowledge or resolve. */
    async notifyPager({ notice }: { notice: Notice }): Promise<NoticeOutcome> {
      if (!pager) throw ApplicationFailure.nonRetryable('paging is not configured on this worker: add paging: to _roster.yaml', 'PagerConfiguration');
      const url = `${publicUrl}/v1/incidents/${encodeURIComponent(notice.incident.id)}`;
      const timeline: NonNullable<NoticeOutcome['timeline']> = [];
      for (const page of pagesFor(notice, pager.groups)) {
        try {
          await pager.send(page, url);
        } catch (err) {
          if (!(err instanceof PagerError)) throw err;
          throw ApplicationFailure.create({
            message: err.message, type: err.code, nonRetryable: !err.retryable,
            ...(err.retryAfterS === undefined ? {} : { nextRetryDelay: `${err.retryAfterS}s` }),
          });
        }
        // The close comes after the incident's record is archived: what it resolves is not added to a closed timeline.
        if (notice.kind !== 'closed') timeline.push({ type: `page.${page.action === 'trigger' ? 'triggered' : page.action === 'acknowledge' ? 'acknowledged' : 'resolved'}`, step: page.step, group: page.group, via: pager.vendorOf(page.group), key: page.key, by: 'kafka-ir' });
      }
      return { timeline };
    },
  };
}

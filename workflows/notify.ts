// The incident's notices, in order per channel: Slack keeps its thread and cards in `refs`, email only sends.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Notice, NoticeChannels, NoticeRefs } from '../src/model/notice.js';

/** Short and retried: a message a minute late still helps; a 429 sets its own retry delay. */
const { notifySlack, notifyEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 6 },
});

/** Email carries what needs a person (approvals, escalations) and the summary at close; the rest is Slack's thread. */
const EMAILED = new Set<Notice['kind']>(['approval', 'escalated', 'closed']);

export class Notifier {
  private slack = Promise.resolve();
  private email = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly channels: NoticeChannels | undefined,
    public refs: NoticeRefs,
    private readonly failed: (channel: string, kind: string, error: string) => void,
  ) {}

  /** Whether the incident notifies on this channel. */
  has(channel: 'slack' | 'email'): boolean {
    return Boolean(this.channels?.[channel]);
  }

  get enabled(): boolean {
    return Boolean(this.channels?.slack || this.channels?.email);
  }

  /** Queues a notice; a channel that keeps failing is recorded, never fatal to the incident. */
  send(notice: Notice): void {
    if (notice.kind === 'message' && notice.channel === 'email') {
      if (this.channels?.email) this.email = this.queue(this.email, 'email', notice, async () => { await notifyEmail({ notice }); });
      return;
    }
    if (this.channels?.slack) {
      this.slack = this.queue(this.slack, 'slack', notice, async () => { this.refs = await notifySlack({ notice, refs: this.refs }); });
    }
    if (this.channels?.email && EMAILED.has(notice.kind)) {
      this.email = this.queue(this.email, 'email', notice, async () => { await notifyEmail({ notice }); });
    }
  }

  /** Nothing queued or sending: safe to continue as new (refs are carried) or to end. */
  idle(): boolean {
    return this.pending === 0;
  }

  private queue(chain: Promise<void>, channel: string, notice: Notice, task: () => Promise<void>): Promise<void> {
    this.pending += 1;
    return chain
      .then(task)
      .catch((err: unknown) => {
        const error = err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
        this.failed(channel, notice.kind, error);
      })
      .finally(() => { this.pending -= 1; });
  }
}

// The incident's notices, queued in order per channel as src/model/notice.ts describes each channel, one activity per notice.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NOTICE_CHANNELS, carries, type ChannelName, type Notice, type NoticeChannels, type NoticeOutcome, type NoticeRefs } from '../src/model/notice.js';

type Channel = (typeof NOTICE_CHANNELS)[number];
/** What each channel's activity takes and returns, by its description: a new channel compiles only once its activity does. */
type ChannelActivities = {
  [C in Channel as C['activity']]: C['keepsRefs'] extends true
    ? (request: { notice: Notice; refs: NoticeRefs }) => Promise<NoticeRefs>
    : (request: { notice: Notice }) => Promise<unknown>;
};

/** Short and retried: a message a minute late still helps; a 429 sets its own retry delay. */
const activities: ChannelActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 6 },
});

export class Notifier {
  private readonly queues = new Map<ChannelName, Promise<void>>();
  private pending = 0;

  constructor(
    private readonly channels: NoticeChannels | undefined,
    public refs: NoticeRefs,
    private readonly failed: (channel: string, kind: string, error: string) => void,
    /** Records what a channel's activity reports for the timeline (pages sent). */
    private readonly record: (type: string, fields: Record<string, unknown>) => void = () => undefined,
  ) {}

  /** Whether the incident notifies on this channel. */
  has(channel: ChannelName): boolean {
    return Boolean(this.channels?.[channel]);
  }

  get enabled(): boolean {
    return NOTICE_CHANNELS.some((c) => this.has(c.name));
  }

  /**
   * Queues a notice on every channel that is on and carries it; a channel that keeps failing is recorded, never fatal to
   * the incident. `sent` runs once a channel has sent it.
   */
  send(notice: Notice, sent?: (channel: ChannelName) => void): void {
    for (const channel of NOTICE_CHANNELS) {
      if (!this.has(channel.name) || !carries(channel, notice)) continue;
      const task = channel.keepsRefs
        ? async () => { this.refs = await activities[channel.activity]({ notice, refs: this.refs }); sent?.(channel.name); }
        : async () => {
          const outcome = await activities[channel.activity]({ notice }) as NoticeOutcome | undefined;
          for (const { type, ...fields } of outcome?.timeline ?? []) this.record(type, fields);
          sent?.(channel.name);
        };
      this.queues.set(channel.name, this.queue(this.queues.get(channel.name) ?? Promise.resolve(), channel.name, notice, task));
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

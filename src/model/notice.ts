// What the incident tells people: one notice per event, and the channels that carry it, each described once.
import type { Plan } from './plan.js';

/** The incident as every notice names it. */
export interface NoticeIncident {
  id: string;
  runbook: { id: string; version: number };
  subject: string;
  severity: string;
  status: 'open' | 'closed' | 'aborted';
  phase: string;
  alert: { kind: string; summary: string; source?: string };
  dryRun: boolean;
  /** A rehearsal: every notice says DRILL. */
  drill?: boolean;
}

/** A person an approval is put in front of, with the identities the roster gives them. */
export interface NoticePerson { handle: string; name?: string; slack?: string; email?: string }

/** A gated step as its approval card and emails show it. */
export interface ApprovalNotice {
  step: string;
  action: string;
  phase: string;
  plan?: Pick<Plan, 'summary' | 'hash' | 'changes' | 'notes'>;
  /** Why this is asked: the alert and what earlier steps found (blast radius). */
  why: string[];
  /** How to undo it, or that it cannot be undone. */
  undo: string;
  from: string[];
  quorum: number;
  /** When the approval times out, if it does. */
  deadline?: string;
  votes: { person: string; channel: string; decision: 'approve' | 'reject' | 'retry' | 'skip' | 'abort'; at: string; reason?: string }[];
  /** Present when the step failed and asks what to do (`onFailure: ask`): the card offers retry, skip and abort. */
  ask?: { error: string };
  /** Everyone who may decide or has voted, with their identities (for mentions). */
  deciders: NoticePerson[];
  /** People who may still decide; the approval email goes to these. */
  waitingOn: NoticePerson[];
  state: 'waiting' | 'approved' | 'rejected' | 'ended';
  /** Refused attempts, newest last (a click by someone not allowed, a replayed link, …). */
  refusals: { at: string; person?: string; channel: string; reason: string }[];
  /** The groups asked so far: `from`, then each escalation's (who is paged, and whose pages end with the wait). */
  asked?: string[];
}

export type Notice =
  | { kind: 'opened'; incident: NoticeIncident }
  | { kind: 'phase'; incident: NoticeIncident; phase: string }
  /** `waiting`: a broker is silent and the step waits for it; `unconfirmed`: it stayed silent, people decide. */
  | { kind: 'step'; incident: NoticeIncident; step: string; action: string; status: 'done' | 'failed' | 'waiting' | 'unconfirmed'; detail: string }
  /** An approval is requested: the Slack card is posted and the approval emails sent. */
  | { kind: 'approval'; incident: NoticeIncident; approval: ApprovalNotice }
  /** A vote, a refusal or the end of the wait: the Slack card is updated (no email). */
  | { kind: 'decision'; incident: NoticeIncident; approval: ApprovalNotice }
  | { kind: 'escalated'; incident: NoticeIncident; approval: ApprovalNotice; to: string[]; people: NoticePerson[] }
  | { kind: 'closed'; incident: NoticeIncident; summary: IncidentSummary }
  /**
   * A runbook's own slack.notify / email.notify step, or a message of its communication plan: to one channel only.
   * `slackChannel` posts to that channel instead of the incident's thread; `audience` names who the plan wrote to.
   */
  | {
    kind: 'message'; incident: NoticeIncident; channel: ChannelName; step: string; text: string; subject?: string; to?: string[];
    slackChannel?: string; audience?: string;
  };

export interface IncidentSummary {
  openedAt: string;
  closedAt?: string;
  /** Alert to the first containment change applied, when one was. */
  timeToContainMs?: number;
  steps: { id: string; action: string; status: string; summary?: string }[];
  decisions: { step: string; person: string; channel: string; decision: string; at: string }[];
  /** Every approval the incident asked for and the groups asked (their pages end at close, if not before). */
  asked?: { step: string; groups: string[] }[];
}

/** Where an incident's Slack messages are: the thread of its first message, and one card per gated step. */
export interface SlackRef { channel: string; ts: string }
export interface NoticeRefs { thread?: SlackRef; cards: Record<string, SlackRef> }

/** A channel as the workflow queues on it; its activity sends what the channel's adapter renders. */
export interface NoticeChannel {
  name: string;
  /** How people call it, in sentences ("Slack is not configured"). */
  label: string;
  /** The Temporal activity that sends one notice: recorded histories replay against this name, so it never changes. */
  activity: string;
  /** The notice kinds it carries; a `message` notice goes only to the channel it names. */
  carries: 'all' | readonly Notice['kind'][];
  /** Its activity takes the incident's refs (Slack's thread and cards) and returns them updated; otherwise it only sends. */
  keepsRefs: boolean;
}

/** What a channel's activity may return for the incident's timeline (a page triggered, a message sent and to whom). */
export interface NoticeOutcome { timeline?: { type: string; [field: string]: unknown }[] }

/**
 * Every channel, in the order one notice is queued on them (recorded histories schedule Slack's activity before
 * email's, and none pages). Email carries what needs a person (approvals, escalations) and the summary at close; the rest is Slack's thread.
 */
export const NOTICE_CHANNELS = [
  { name: 'slack', label: 'Slack', activity: 'notifySlack', carries: 'all', keepsRefs: true },
  { name: 'email', label: 'email', activity: 'notifyEmail', carries: ['approval', 'escalated', 'closed', 'message'], keepsRefs: false },
  /** Pages the groups a step waits for; acknowledges on the first vote, resolves once decided, or at close. */
  { name: 'page', label: 'paging', activity: 'notifyPager', carries: ['approval', 'decision', 'escalated', 'closed'], keepsRefs: false },
] as const satisfies readonly NoticeChannel[];
export type ChannelName = (typeof NOTICE_CHANNELS)[number]['name'];

/** The channels an incident notifies, as configured when it opened; a channel it does not name is off. */
export type NoticeChannels = Partial<Record<ChannelName, boolean>>;

export function carries(channel: NoticeChannel, notice: Notice): boolean {
  if (notice.kind === 'message' && notice.channel !== channel.name) return false;
  return channel.carries === 'all' || channel.carries.includes(notice.kind);
}

// What the incident tells people (DESIGN §4, §6): one notice per event, sent to Slack and email by the notify activity.
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
  votes: { person: string; channel: string; decision: 'approve' | 'reject'; at: string; reason?: string }[];
  /** Everyone who may decide or has voted, with their identities (for mentions). */
  deciders: NoticePerson[];
  /** People who may still decide; the approval email goes to these. */
  waitingOn: NoticePerson[];
  state: 'waiting' | 'approved' | 'rejected' | 'ended';
  /** Refused attempts, newest last (a click by someone not allowed, a replayed link, …). */
  refusals: { at: string; person?: string; channel: string; reason: string }[];
}

export type Notice =
  | { kind: 'opened'; incident: NoticeIncident }
  | { kind: 'phase'; incident: NoticeIncident; phase: string }
  | { kind: 'step'; incident: NoticeIncident; step: string; action: string; status: 'done' | 'failed'; detail: string }
  /** An approval is requested: the Slack card is posted and the approval emails sent. */
  | { kind: 'approval'; incident: NoticeIncident; approval: ApprovalNotice }
  /** A vote, a refusal or the end of the wait: the Slack card is updated (no email). */
  | { kind: 'decision'; incident: NoticeIncident; approval: ApprovalNotice }
  | { kind: 'escalated'; incident: NoticeIncident; approval: ApprovalNotice; to: string[]; people: NoticePerson[] }
  | { kind: 'closed'; incident: NoticeIncident; summary: IncidentSummary }
  /** A runbook's own slack.notify / email.notify step: to one channel only. */
  | { kind: 'message'; incident: NoticeIncident; channel: 'slack' | 'email'; step: string; text: string; subject?: string; to?: string[] };

export interface IncidentSummary {
  openedAt: string;
  closedAt?: string;
  /** Alert to the first containment change applied, when one was. */
  timeToContainMs?: number;
  steps: { id: string; action: string; status: string; summary?: string }[];
  decisions: { step: string; person: string; channel: string; decision: string; at: string }[];
}

/** Where an incident's Slack messages are: the thread of its first message, and one card per gated step. */
export interface SlackRef { channel: string; ts: string }
export interface NoticeRefs { thread?: SlackRef; cards: Record<string, SlackRef> }

/** What a notify activity did, per channel; `skipped` names a channel that is not configured. */
export interface NoticeResult {
  refs: NoticeRefs;
  sent: string[];
  skipped: string[];
}

/** The channels an incident notifies, as configured when it opened. */
export interface NoticeChannels { slack: boolean; email: boolean }

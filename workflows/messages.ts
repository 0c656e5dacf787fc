// The incident workflow's messages: updates (alerts in, notes), and the view query. Handlers only validate and enqueue.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AlertDelivery, IncidentView, IntakeStatus } from '../src/model/incident.js';

export interface AttachResult { id: string; status: IntakeStatus }
export interface NoteRequest { person: string; channel: string; text: string; lessons: boolean }
export interface AbortRequest { person: string; channel: string; reason: string; rollback: boolean }
export interface DecisionRequest {
  person: string;
  channel: string;
  step: string;
  decision: 'approve' | 'reject';
  reason?: string;
  /** The plan the person saw: a decision on a stale plan is refused. */
  planHash?: string;
  /** An email link's one-time nonce: a link already used is refused. */
  nonce?: string;
}
/** A refusal at the edge (bad Slack signature, expired link, unknown Slack user…), recorded in the incident's timeline. */
export interface EdgeRefusal { channel: string; reason: string; step?: string; person?: string }
export interface DecisionResult { accepted: boolean; reason?: string }

export const attachAlert = defineUpdate<AttachResult, [AlertDelivery]>('attachAlert');
export const addNote = defineUpdate<{ accepted: boolean }, [NoteRequest]>('addNote');
export const abortIncident = defineUpdate<{ accepted: boolean; reason?: string }, [AbortRequest]>('abortIncident');
export const decide = defineUpdate<DecisionResult, [DecisionRequest]>('decide');
export const forceAdvance = defineUpdate<DecisionResult, [{ person: string; channel: string; reason: string }]>('forceAdvance');
export const recordRefusal = defineUpdate<{ accepted: boolean }, [EdgeRefusal]>('recordRefusal');
export const incidentView = defineQuery<IncidentView>('incidentView');

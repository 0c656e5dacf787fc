// The incident workflow's messages: updates (alerts in, notes, decisions), and the view query. Payload shapes live in the model.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IncidentView, IntakeStatus } from '../src/model/incident.js';
import type { Seal } from '../src/model/engine-seal.js';
import type {
  AbortRequest, AlertBatch, AlertDelivery, DecisionRequest, EdgeRefusal, ForceAdvanceRequest, NoteRequest, PageAcknowledgement,
} from '../src/model/incident-requests.js';

export interface AttachResult { id: string; status: IntakeStatus }
export interface DecisionResult { accepted: boolean; reason?: string }

export const attachAlert = defineUpdate<AttachResult, [AlertDelivery]>('attachAlert');
/** The intake log's delivery: many alerts per signal (a signal costs the incident a fraction of an update, and has no in-flight limit). */
export const attachAlerts = defineSignal<[AlertBatch]>('attachAlerts');
// Updates carrying a person or a decision take the engine's seal as a second argument (docs/design.md §4).
export const addNote = defineUpdate<DecisionResult, [NoteRequest, Seal?]>('addNote');
export const abortIncident = defineUpdate<DecisionResult, [AbortRequest, Seal?]>('abortIncident');
export const decide = defineUpdate<DecisionResult, [DecisionRequest, Seal?]>('decide');
export const forceAdvance = defineUpdate<DecisionResult, [ForceAdvanceRequest, Seal?]>('forceAdvance');
export const recordRefusal = defineUpdate<DecisionResult, [EdgeRefusal, Seal?]>('recordRefusal');
export const acknowledgePage = defineUpdate<DecisionResult, [PageAcknowledgement, Seal?]>('acknowledgePage');
export const incidentView = defineQuery<IncidentView>('incidentView');

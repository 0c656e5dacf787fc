// The incident workflow's messages: updates (alerts in, notes, decisions), and the view query. Payload shapes live in the model.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IncidentView, IntakeStatus } from '../src/model/incident.js';
import type {
  AbortRequest, AlertDelivery, DecisionRequest, EdgeRefusal, ForceAdvanceRequest, NoteRequest,
} from '../src/model/incident-requests.js';

export interface AttachResult { id: string; status: IntakeStatus }
export interface DecisionResult { accepted: boolean; reason?: string }

export const attachAlert = defineUpdate<AttachResult, [AlertDelivery]>('attachAlert');
export const addNote = defineUpdate<{ accepted: boolean }, [NoteRequest]>('addNote');
export const abortIncident = defineUpdate<{ accepted: boolean; reason?: string }, [AbortRequest]>('abortIncident');
export const decide = defineUpdate<DecisionResult, [DecisionRequest]>('decide');
export const forceAdvance = defineUpdate<DecisionResult, [ForceAdvanceRequest]>('forceAdvance');
export const recordRefusal = defineUpdate<{ accepted: boolean }, [EdgeRefusal]>('recordRefusal');
export const incidentView = defineQuery<IncidentView>('incidentView');

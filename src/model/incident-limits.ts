// How much of what alerts and people send an incident it keeps in its state (docs/design.md §4): the rest stays in history and the archive.

export const INCIDENT_LIMITS = {
  /** Characters of a note or lessons record the timeline keeps. */
  noteChars: 4_000,
  /** Characters of a reason (a vote's, an abort's, a refusal's) or of an alert's summary. */
  textChars: 1_000,
  /** Characters of a name: a person, a channel, a step, an alert's kind or source, an alert key. */
  nameChars: 200,
  /** Attached alerts listed one by one in the timeline; later ones are counted, and the latest few kept. */
  alertsListed: 20,
  /** Latest alerts, and latest requests refused before they counted, kept as examples. */
  samples: 5,
  /** Alert keys remembered to answer a resent alert `duplicate` (the most recent ones). */
  alertKeys: 2_000,
  /** Answers to people's updates remembered by update id, so a retry on the next run is answered, not applied again. */
  answeredUpdates: 500,
  /** Reports of refused requests listed one by one in the timeline; later ones are only counted. */
  refusalsListed: 10,
  /** The timeline's size in state: past either, its oldest entries from people and alerts are summarised. */
  timelineEntries: 500,
  timelineBytes: 256 * 1024,
  /** Continue-as-new once the run's history is this large (Temporal's limit is 50 MB, or 51,200 events). */
  historyBytes: 10 * 1024 * 1024,
  /** Carried state above this is compacted harder before continue-as-new (Temporal refuses payloads over 2 MB). */
  carriedBytes: 1024 * 1024,
} as const;

/** `text` cut to `max` characters, saying how much was cut and where the whole is. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters in the incident's history]`;
}

/** Top-level texts of a timeline entry cut to their limits: a note's text is longer than a reason or a name. */
export function clipFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' ? clip(v, k === 'text' ? INCIDENT_LIMITS.noteChars : INCIDENT_LIMITS.textChars) : v;
  return out;
}

/** An alert as an incident keeps it (an `AlertSample`): its key and texts, cut to the limits; the whole alert is in history. */
export function alertSample(at: string, alertKey: string, alert: { kind: string; summary: string; source: string }) {
  const name = (text: string) => clip(text, INCIDENT_LIMITS.nameChars);
  return { at, alertKey: name(alertKey), kind: name(alert.kind), summary: clip(alert.summary, INCIDENT_LIMITS.textChars), source: name(alert.source) };
}

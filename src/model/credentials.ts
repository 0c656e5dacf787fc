// SCRAM credentials as kafka-ir records them (KIP-554 mechanism names), and how long sessions outlive a change. Secrets never appear here.
import { z } from 'zod';
import { durationText } from './duration.js';

export const ScramMechanism = z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
export type ScramMechanism = z.infer<typeof ScramMechanism>;

/** connections.max.reauth.ms of one broker: 0 never re-authenticates; undefined, the broker did not say. */
export interface ReauthInterval { id: number; ms: number | undefined }

const brokers = (ids: number[]) => `broker${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`;

/**
 * Which sessions stay signed in after a password is changed or deleted and its tokens expired, and until when:
 * brokers end a session only when it must re-authenticate (KIP-368). `short` fits a plan summary.
 */
export function sessionWindow(intervals: ReauthInterval[], user: string): { short: string; note: string } {
  const who = `sessions of ${user} that signed in with the old password or an expired token`;
  const timed = intervals.filter((i): i is { id: number; ms: number } => i.ms !== undefined && i.ms > 0);
  const never = intervals.filter((i) => i.ms === 0).map((i) => i.id);
  const unknown = intervals.filter((i) => i.ms === undefined).map((i) => i.id);
  const longest = Math.max(0, ...timed.map((i) => i.ms));
  const parts = [
    ...(timed.length ? [`on ${brokers(timed.map((i) => i.id))} they must re-authenticate within ${durationText(longest)} (connections.max.reauth.ms ${[...new Set(timed.map((i) => i.ms))].join(' / ')}) and are then refused`] : []),
    ...(never.length ? [`on ${brokers(never)} connections.max.reauth.ms is 0: they stay open until the client disconnects`] : []),
    ...(unknown.length ? [`${brokers(unknown)} did not report connections.max.reauth.ms: count on sessions there staying open until the client disconnects`] : []),
  ];
  const open = never.length || unknown.length;
  return {
    short: open ? `sessions already signed in stay authenticated on ${brokers([...never, ...unknown])} until they disconnect`
      : `sessions already signed in stay authenticated for up to ${durationText(longest)} (connections.max.reauth.ms)`,
    note: `${who[0]!.toUpperCase()}${who.slice(1)} stay authenticated: ${parts.join('; ')}. Until then only a deny (kafka.acl.deny) stops them, at their next request.`,
  };
}

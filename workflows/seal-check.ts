// Whether a start or update is the engine's own: its seal's time judged on the workflow's clock, its MAC by an activity (the sandbox has no crypto).
import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SealCheck } from '../activities/check-seal.js';
import { sealTimeProblem, type Seal } from '../src/model/engine-seal.js';

/**
 * HMACs over the requests: quick, retried a few times. A regular activity, not a local one: with local activities,
 * updates arriving in bursts while the incident continued as new were rejected by Temporal as "not processed by
 * worker" (the SDK core got a second workflow task for the run while it waited on the local activity).
 */
const quick = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 },
} as const;
const { checkSeals } = proxyActivities<Activities>(quick);
const NOT_VERIFIED = "its seal does not verify with the engine's key";
const unchecked = (err: unknown) => `its seal could not be checked (${err instanceof Error ? err.message : String(err)})`;

/**
 * A fresh start's own seal, checked in the start's first workflow task: a local activity, recorded as one marker, where
 * a regular one would cost the start an activity task and a second workflow task (a storm opens hundreds a minute). Only
 * there: no run continues into a fresh start, so the burst above cannot reach it.
 */
const local = proxyLocalActivities<Activities>(quick);

/** Why a fresh start is not the engine's (as SealChecker.problem says it), or undefined when its seal verifies. */
export async function startProblem(subject: Record<string, unknown>, seal: unknown, now: number): Promise<string | undefined> {
  const problem = sealTimeProblem(seal, now);
  if (problem) return problem;
  try {
    const [ok] = await local.checkSeals([{ subject, seal: seal as Seal }]);
    return ok ? undefined : NOT_VERIFIED;
  } catch (err) {
    return unchecked(err);
  }
}

/**
 * Checks seals in batches: every request that arrived in one workflow task goes in one activity, and their
 * handlers resume together, so votes sent at the same moment are judged one after the other against the same state
 * (docs/design.md §4), and a flood of forged updates costs one activity per task rather than one each.
 */
export class SealChecker {
  private readonly queue: { check: SealCheck; resolve: (problem: string | undefined) => void }[] = [];

  constructor() {
    void this.run();
  }

  /** Why the request is not the engine's, as the end of a sentence ("it carries no seal…"), or undefined when its seal verifies. */
  problem(subject: Record<string, unknown>, seal: unknown, now: number): Promise<string | undefined> {
    const problem = sealTimeProblem(seal, now);
    if (problem) return Promise.resolve(problem);
    return new Promise((resolve) => this.queue.push({ check: { subject, seal: seal as Seal }, resolve }));
  }

  private async run(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      const batch = this.queue.splice(0);
      let problems: (string | undefined)[];
      try {
        problems = (await checkSeals(batch.map((b) => b.check))).map((ok) => (ok ? undefined : NOT_VERIFIED));
      } catch (err) {
        problems = batch.map(() => unchecked(err));
      }
      batch.forEach((b, i) => b.resolve(problems[i]));
    }
  }
}

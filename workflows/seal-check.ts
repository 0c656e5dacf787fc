// Whether a start or update is the engine's own: its seal's time judged on the workflow's clock, its MAC by a local activity (the sandbox has no crypto).
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { sealTimeProblem, type Seal } from '../src/model/engine-seal.js';

/** In-process and quick: an HMAC over the request. A few attempts cover a worker busy at that moment. */
const { checkSeal } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 milliseconds', maximumAttempts: 3 },
});

/** Why the request is not the engine's, as the end of a sentence ("it carries no seal…"), or undefined when its seal verifies. */
export async function sealProblem(subject: Record<string, unknown>, seal: unknown, now: number): Promise<string | undefined> {
  const problem = sealTimeProblem(seal, now);
  if (problem) return problem;
  try {
    return (await checkSeal({ subject, seal: seal as Seal })) ? undefined : "its seal does not verify with the engine's key";
  } catch (err) {
    return `its seal could not be checked (${err instanceof Error ? err.message : String(err)})`;
  }
}

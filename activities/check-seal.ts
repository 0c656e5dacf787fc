// The incident's check of the engine's seal, an activity because the workflow sandbox has no crypto: are these starts or updates the engine's own?
import type { EngineSeal } from '../adapters/engine-seal.js';
import type { Seal } from '../src/model/engine-seal.js';

export interface SealCheck { subject: Record<string, unknown>; seal: Seal }

export function sealActivities(seal: EngineSeal) {
  return {
    /** For each check, whether the engine sealed its subject; the seal's time is the workflow's to judge, on its own clock. */
    async checkSeals(checks: SealCheck[]): Promise<boolean[]> {
      return checks.map(({ subject, seal: given }) => seal.check(subject, given));
    },
  };
}

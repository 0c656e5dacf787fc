// The incident's check of the engine's seal, run as a local activity (the workflow sandbox has no crypto): is this start or update the engine's own?
import type { EngineSeal } from '../adapters/engine-seal.js';
import type { Seal } from '../src/model/engine-seal.js';

export interface SealCheck { subject: Record<string, unknown>; seal: Seal }

export function sealActivities(seal: EngineSeal) {
  return {
    /** True when the engine sealed `subject`; the seal's time is the workflow's to judge, on its own clock. */
    async checkSeal({ subject, seal: given }: SealCheck): Promise<boolean> {
      return seal.check(subject, given);
    },
  };
}

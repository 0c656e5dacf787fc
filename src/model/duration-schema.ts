// A duration in runbooks and settings, validated where they are loaded.
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

export const Duration = z.string().regex(DURATION_PATTERN, 'a duration is a whole number and a unit: ms, s, m, h or d (e.g. "15m")');
export type Duration = z.infer<typeof Duration>;

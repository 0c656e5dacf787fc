// SCRAM credential actions: rotate a user's secret (into the secret sink) or delete its credentials. Both are irreversible.
import { z } from 'zod';
import { Principal } from '../alert.js';
import { ApplyResult } from '../plan.js';
import { action } from './define.js';

export const credentialActions = {
  'kafka.credentials.rotate': action({
    kind: 'change',
    irreversible: true,
    summary: "Replace a user's SCRAM secret with a random one, written to the configured secret sink before the cluster is changed. Irreversible.",
    input: z.strictObject({ principal: Principal }),
    output: ApplyResult,
  }),
  'kafka.credentials.revoke': action({
    kind: 'change',
    irreversible: true,
    summary: "Delete a user's SCRAM credentials (every mechanism it has). Irreversible.",
    input: z.strictObject({ principal: Principal }),
    output: ApplyResult,
  }),
};

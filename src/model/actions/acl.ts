// ACL actions: deny a principal everywhere (and later revoke, snapshot, verify).
import { z } from 'zod';
import { Principal } from '../alert.js';
import { ApplyResult } from '../plan.js';
import { action } from './define.js';

export const aclActions = {
  'kafka.acl.deny': action({
    kind: 'change',
    summary: 'DENY ALL for a principal on every topic, group and transactional id and on the cluster (optionally from one host).',
    input: z.strictObject({
      principal: Principal,
      host: z.string().min(1).default('*'),
      force: z.boolean().default(false),
    }),
    output: ApplyResult,
  }),
};

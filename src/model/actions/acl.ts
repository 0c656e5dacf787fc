// ACL actions: deny or revoke a principal, snapshot bindings, and verify on every broker what the principal can still do.
import { z } from 'zod';
import { AclBinding, AclResourceType } from '../acl.js';
import { AccessVerdict } from '../access.js';
import { Principal } from '../alert.js';
import { BROKER_WAIT } from '../broker-wait.js';
import { UnconfirmedBroker } from '../unconfirmed-broker.js';
import { Duration } from '../duration-schema.js';
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
  'kafka.acl.revoke': action({
    kind: 'change',
    summary: "Delete a principal's ALLOW bindings (optionally only on some resource types); undo re-creates exactly those.",
    input: z.strictObject({
      principal: Principal,
      resourceTypes: z.array(AclResourceType).min(1).optional(),
      /** With allow.everyone.if.no.acl.found=true, revoking the last ACL of a resource opens it to everyone. */
      force: z.boolean().default(false),
    }),
    output: ApplyResult,
  }),
  'kafka.acl.snapshot': action({
    kind: 'read',
    summary: 'The ACL bindings of the cluster, or of one principal, in a stable order.',
    input: z.strictObject({
      principal: z.string().regex(/^User:.+$/, 'a Kafka principal looks like "User:<name>"').optional(),
    }),
    output: z.object({ bindings: z.array(AclBinding) }),
  }),
  'kafka.access.verify': action({
    kind: 'read',
    summary: "Ask every broker for the principal's ACLs and check it is denied (or allowed) on all of them; retried until they agree, waiting for brokers that do not answer.",
    input: z.strictObject({
      principal: Principal,
      expect: AccessVerdict,
      /** Access from this host; "*" means denied from every host. */
      host: z.string().min(1).default('*'),
      /** How long to wait for brokers that do not answer before leaving the outcome to people (the step ends 'unconfirmed'). */
      brokerWait: Duration.default(BROKER_WAIT),
    }),
    output: z.object({
      principal: z.string(),
      expect: AccessVerdict,
      verdict: z.enum(['denied', 'allowed', 'mixed']),
      brokers: z.array(z.object({ id: z.number().int(), host: z.string(), verdict: AccessVerdict, denyBindings: z.array(AclBinding) })),
      /** Brokers that did not answer (silent, or fenced for it): the verdict is the others'. Absent when all answered. */
      unconfirmed: z.array(UnconfirmedBroker).optional(),
    }),
  }),
};

// kafka.access.verify: every broker, asked on its own connection, says what a principal can still do; retried until all agree.
import { evaluateAccess, overallVerdict, type BrokerAclView } from '../../src/model/access.js';
import type { ActionInput, ActionOutput } from '../../src/model/actions.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Settings } from '../../src/model/settings.js';
import { describeBrokerBindings } from '../../adapters/kafka/acls.js';
import { authorizerFacts, type AuthorizerFacts } from '../../adapters/kafka/authorizer.js';
import { withBrokerConnection, type BrokerAddress } from '../../adapters/kafka/broker-connection.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

/** What this broker itself holds about the principal, asked on a connection to it alone. */
async function brokerView(client: KafkaClient, broker: BrokerAddress, principal: string, facts: AuthorizerFacts): Promise<BrokerAclView> {
  return withBrokerConnection(client.settings, broker, `reading ACLs of ${principal}`, async (c) => {
    const own = await describeBrokerBindings(c, { principal });
    const wildcardPrincipal = await describeBrokerBindings(c, { principal: 'User:*' });
    const onStar = facts.allowEveryoneIfNoAclFound === false ? [] : await describeBrokerBindings(c, { resourceName: '*', literal: true });
    return {
      bindings: [...own, ...wildcardPrincipal],
      superUsers: facts.superUsers,
      // Unknown counts as true: "denied" must not be claimed while resources might still be open to everyone.
      allowEveryoneIfNoAclFound: facts.allowEveryoneIfNoAclFound !== false,
      wildcardTypesWithAcls: [...new Set(onStar.map((b) => b.resourceType))],
    };
  });
}

export async function verifyAccess(
  client: KafkaClient, input: ActionInput<'kafka.access.verify'>, settings: Pick<Settings, 'authorizer'>,
): Promise<ActionOutput<'kafka.access.verify'>> {
  const facts = await authorizerFacts(client, settings.authorizer);
  const { brokers } = await client.withAdmin('describing the cluster', (admin) => admin.describeCluster());
  if (!brokers.length) throw new KafkaIrError('KAFKA_UNAVAILABLE', 'describing the cluster: no broker listed', 'it will be retried');
  const answers = await Promise.all(brokers.map(async ({ nodeId, host, port }) => {
    const view = await brokerView(client, { id: nodeId, host, port }, input.principal, facts);
    const evaluation = evaluateAccess(input.principal, view, input.host);
    return { id: nodeId, host: `${host}:${port}`, verdict: evaluation.verdict, denyBindings: evaluation.denyBindings, reason: evaluation.reason };
  }));
  answers.sort((a, b) => a.id - b.id);
  const verdict = overallVerdict(answers.map((a) => a.verdict));
  if (verdict !== input.expect) {
    const disagree = answers.filter((a) => a.verdict !== input.expect);
    throw new KafkaIrError('ACCESS_NOT_AS_EXPECTED',
      `${input.principal} is not ${input.expect} on ${disagree.map((a) => `broker ${a.id} (${a.host}): ${a.reason}`).join('; ')}`,
      'brokers apply ACL changes from the metadata log within moments; if this persists, check that broker and the ACLs (kafka.acl.snapshot)');
  }
  return {
    principal: input.principal, expect: input.expect, verdict,
    brokers: answers.map(({ id, host, verdict: v, denyBindings }) => ({ id, host, verdict: v, denyBindings })),
  };
}

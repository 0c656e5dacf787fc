// kafka.access.verify: every broker, asked on its own connection, says what a principal can still do; silent brokers are named, not waited on here.
import { evaluateAccess, overallVerdict, type BrokerAclView } from '../../src/model/access.js';
import type { ActionInput, ActionOutput } from '../../src/model/actions.js';
import type { UnconfirmedBroker } from '../../src/model/unconfirmed-broker.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Settings } from '../../src/model/settings.js';
import { describeBrokerBindings } from '../../adapters/kafka/acls.js';
import { authorizerFacts, type AuthorizerFacts } from '../../adapters/kafka/authorizer.js';
import { withBrokerConnection, type BrokerAddress } from '../../adapters/kafka/broker-connection.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { liveBrokers, silentBrokers } from '../../adapters/kafka/cluster-members.js';

/** What this broker itself holds about the principal, asked on a connection to it alone. */
async function brokerView(client: KafkaClient, broker: BrokerAddress, principal: string, facts: AuthorizerFacts): Promise<BrokerAclView> {
  return withBrokerConnection(client.settings, broker, `reading ACLs of ${principal}`, async (c) => ({
    // With allow-everyone possibly on, any ACL of anyone decides whether a resource is still open to all.
    bindings: facts.allowEveryoneIfNoAclFound === false
      ? [...await describeBrokerBindings(c, { principal }), ...await describeBrokerBindings(c, { principal: 'User:*' })]
      : await describeBrokerBindings(c, {}),
    superUsers: facts.superUsers,
    // Unknown counts as true: "denied" must not be claimed while resources might still be open to everyone.
    allowEveryoneIfNoAclFound: facts.allowEveryoneIfNoAclFound !== false,
  }));
}

const SILENT = 'did not answer on a connection of its own (5 s to connect, 10 s per request)';

export async function verifyAccess(
  client: KafkaClient, input: ActionInput<'kafka.access.verify'>, settings: Pick<Settings, 'authorizer'>,
): Promise<ActionOutput<'kafka.access.verify'>> {
  const facts = await authorizerFacts(client, settings.authorizer);
  const live = await liveBrokers(client);
  if (!live.length) throw new KafkaIrError('KAFKA_UNAVAILABLE', 'describing the cluster: no broker listed', 'it will be retried');
  const fenced = await silentBrokers(client.settings, live);
  const unconfirmed: UnconfirmedBroker[] = fenced.map((b) => ({
    id: b.id, reason: `not among the live brokers (fenced)${b.lastFetch ? `; it last fetched cluster metadata at ${b.lastFetch}` : ''}`,
  }));
  const answers = (await Promise.all(live.map(async ({ id, host, port }) => {
    const address = `${host}:${port}`;
    try {
      const evaluation = evaluateAccess(input.principal, await brokerView(client, { id, host, port }, input.principal, facts), input.host);
      return [{ id, host: address, verdict: evaluation.verdict, denyBindings: evaluation.denyBindings, reason: evaluation.reason }];
    } catch (err) {
      if (!(err instanceof KafkaIrError) || err.code !== 'KAFKA_UNAVAILABLE') throw err;
      unconfirmed.push({ id, host: address, reason: SILENT });
      return [];
    }
  }))).flat().sort((a, b) => a.id - b.id);
  unconfirmed.sort((a, b) => a.id - b.id);
  if (!answers.length) {
    throw new KafkaIrError('KAFKA_UNAVAILABLE', `no broker answered: ${unconfirmed.map((u) => `broker ${u.id} ${u.reason}`).join('; ')}`, 'it will be retried');
  }
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
    ...(unconfirmed.length ? { unconfirmed } : {}),
  };
}

// server.properties for one KRaft node (broker+controller) with SASL everywhere and the StandardAuthorizer.
import { createHash } from 'node:crypto';
import { HOST } from '../ports.js';

export interface KafkaNodeSpec {
  nodeId: number;
  clientPort: number;
  controllerPort: number;
  /** Every voter of the quorum, this node included. */
  voters: { nodeId: number; controllerPort: number }[];
  /** Topic data and the metadata log. */
  dataDir: string;
  adminPassword: string;
  /** `up --tls`: SASL_SSL and mTLS listeners beside the SASL_PLAINTEXT one. */
  tls?: NodeTls;
  /** Appended last, so they override the defaults (e.g. allow.everyone.if.no.acl.found=true). */
  overrides?: Record<string, string | number | boolean>;
}

export interface NodeTls {
  saslSslPort: number;
  mtlsPort: number;
  /** PKCS12 with the broker's key and certificate chain. */
  keystore: string;
  /** PEM: the CA clients' certificates must chain to. */
  truststore: string;
  password: string;
  principalMappingRules: string;
  /** The engine's mTLS principal: a super user, as User:admin is under SASL. */
  clientPrincipal: string;
}

const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';

/** SASL_SSL (the same SCRAM users) and SSL with client certificates required, the subject mapped by the rules. */
function tlsProperties(tls: NodeTls, pw: string): Record<string, string | number | boolean> {
  return {
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `${SCRAM} required;`,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': `${SCRAM} required;`,
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `${PLAIN} required user_admin="${pw}";`,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': tls.keystore,
    'ssl.keystore.password': tls.password,
    'ssl.key.password': tls.password,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': tls.truststore,
    'listener.name.mtls.ssl.client.auth': 'required',
    'ssl.principal.mapping.rules': tls.principalMappingRules,
  };
}

export function serverProperties(node: KafkaNodeSpec): string {
  const size = node.voters.length;
  const pw = node.adminPassword;
  const tls = node.tls;
  const tlsListeners = tls ? `,SASL_SSL://${HOST}:${tls.saslSslPort},MTLS://${HOST}:${tls.mtlsPort}` : '';
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': node.voters.map((v) => `${v.nodeId}@${HOST}:${v.controllerPort}`).join(','),
    listeners: `CLIENT://${HOST}:${node.clientPort},CONTROLLER://${HOST}:${node.controllerPort}${tlsListeners}`,
    'advertised.listeners': `CLIENT://${HOST}:${node.clientPort}${tlsListeners}`,
    'listener.security.protocol.map': `CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT${tls ? ',SASL_SSL:SASL_SSL,MTLS:SSL' : ''}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'CLIENT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',

    // Clients and brokers: SCRAM (credentials live in the metadata log, bootstrapped by StorageTool
    // --add-scram); PLAIN knows only admin, from the JAAS line below.
    'listener.name.client.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config': `${SCRAM} required username="admin" password="${pw}";`,
    'listener.name.client.scram-sha-256.sasl.jaas.config': `${SCRAM} required;`,
    'listener.name.client.plain.sasl.jaas.config': `${PLAIN} required user_admin="${pw}";`,

    // KRaft controllers cannot check SCRAM (its credentials live in the metadata log they serve), so
    // PLAIN; a plaintext controller listener would reach the authorizer as User:ANONYMOUS.
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': `${PLAIN} required username="admin" password="${pw}" user_admin="${pw}";`,

    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': false,
    'super.users': tls ? `User:admin;${tls.clientPrincipal}` : 'User:admin',
    // Without it, deleted or rotated SCRAM credentials keep working on live connections.
    'connections.max.reauth.ms': 30000,
    // Enables delegation tokens (off without a key), so tests can make and expire them as an attacker would.
    // Every node of a cluster needs the same key: derived from the cluster's admin password, not equal to it.
    'delegation.token.secret.key': createHash('sha256').update(`kafka-ir delegation tokens:${pw}`).digest('hex'),

    'log.dirs': node.dataDir,
    'num.partitions': 1,
    'default.replication.factor': Math.min(3, size),
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': Math.min(3, size),
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': Math.min(3, size),
    'transaction.state.log.min.isr': Math.min(2, size),
    'transaction.state.log.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': false,

    // A small footprint: two cores shared by up to three nodes and a Temporal server.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'num.replica.fetchers': 1,
    'background.threads': 2,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    'log.segment.bytes': 64 * 1024 * 1024,
    'log.retention.hours': 24,

    ...(tls ? tlsProperties(tls, pw) : {}),
    ...node.overrides,
  };
  return `${Object.entries(props)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')}\n`;
}

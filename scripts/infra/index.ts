// The infra module API for tests and scripts: up, down, status, readInfraEnv, startExtraBroker.
export { up, type UpOptions } from './up.js';
export { down, type DownOptions, type DownResult } from './down.js';
export { status, type InfraStatus } from './status.js';
export { infraTls, readInfraEnv, type InfraEnv, type InfraTlsEnv } from './infra-env.js';
export { startExtraBroker, type ExtraBroker, type ExtraBrokerOptions } from './kafka/extra-broker.js';
export { InfraError } from './infra-error.js';
export { PORTS } from './ports.js';

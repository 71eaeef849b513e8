export { startBroker, type RunningBroker } from './start.js';
export { Broker } from './broker.js';
export type { BrokerOptions, FsyncPolicy } from './config.js';
export type { ApiHandler, RequestContext } from './apis/handler.js';
export { ErrorCode, KafkaError } from './protocol/errors.js';
export {
  startSchemaRegistry,
  type SchemaRegistryOptions,
  type SchemaRegistryServer,
} from './schema-registry/index.js';

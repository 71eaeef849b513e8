import { join } from 'node:path';
import type { Broker } from '../broker.js';
import type { BrokerComponent } from '../components.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { AclStore } from './acl-store.js';

const NAME = 'acls';

/** Loads the ACL bindings from `<dataDir>/acls/` (storage only: nothing is authorized yet). */
export const aclsComponent: BrokerComponent = {
  name: NAME,
  async start(broker: Broker) {
    const store = await AclStore.open(join(broker.config.dataDir, 'acls'), broker.logger);
    broker.onClose(() => store.close());
    return store;
  },
};

export function aclStoreOf(broker: Broker): AclStore {
  const store = broker.extensions.get(NAME);
  if (!(store instanceof AclStore))
    throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'ACL store not started');
  return store;
}

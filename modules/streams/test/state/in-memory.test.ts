import { inMemoryStoreBackend } from '../../src/state/index.js';
import type { BackendFixture } from './contract/harness.js';
import { keyValueStoreContract } from './contract/key-value-contract.js';
import { sessionStoreContract } from './contract/session-contract.js';
import { windowStoreContract } from './contract/window-contract.js';
import { windowedKeyContract } from './contract/windowed-key-contract.js';

const inMemory: BackendFixture = { name: 'in-memory', durable: false, backend: () => inMemoryStoreBackend };

keyValueStoreContract(inMemory);
keyValueStoreContract(inMemory, { cacheBytes: 1 << 20 });
// A tiny cache: most puts evict, so merged reads see entries split between cache and store.
keyValueStoreContract(inMemory, { cacheBytes: 300 });
windowStoreContract(inMemory);
windowStoreContract(inMemory, { cacheBytes: 1 << 20 });
windowStoreContract(inMemory, { cacheBytes: 300 });
sessionStoreContract(inMemory);
sessionStoreContract(inMemory, { cacheBytes: 1 << 20 });
windowedKeyContract(inMemory);

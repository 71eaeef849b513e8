export { startSchemaRegistry, type SchemaRegistryOptions, type SchemaRegistryServer } from './server.js';
export { type CompatibilityLevel, COMPATIBILITY_LEVELS } from './compatibility.js';

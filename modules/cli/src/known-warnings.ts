/**
 * Two warnings every run printed, each about something this project has already decided; handled
 * here, once, before any client is built (main.ts imports this module first). An environment that
 * sets either variable itself keeps its own choice.
 *
 * - kafkajs warns at every producer that v2 changed the default partitioner. Every meterstream
 *   topic is written by v2 producers with the default (Java-compatible) partitioner, so there is
 *   no older layout to stay compatible with.
 * - The AWS SDK warns that versions published after January 2027 will need Node 22. The lock file
 *   pins SDK versions that support Node 20.19+, the version the README names; upgrading the SDK
 *   past that point means raising `engines.node`, which `npm install` then enforces.
 */
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};

export { DirectoryLockedError, type LockHolder } from './holder.js';
export { type DirectoryLock, type LockMechanism, type LockOptions, lockDirectory } from './lock-directory.js';

export type { AlertStore } from './alert-store.js';
export * from './graph-store.js';
export { STORE_LIMITS } from './limits.js';
export { DataDirLockedError, type LockHolder } from './memory/data-dir-lock.js';
export { type MemoryStoreOptions, openMemoryStore } from './memory/memory-store.js';
export type { Neo4jOptions } from './neo4j/neo4j-store.js';
export { openNeo4jStore } from './open-neo4j-store.js';
export { openStore, withStore } from './open-store.js';

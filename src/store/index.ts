export * from './graph-store.js';
export { openMemoryStore } from './memory/memory-store.js';
export { type Neo4jOptions, openNeo4jStore } from './neo4j/neo4j-store.js';
export { openStore } from './open-store.js';

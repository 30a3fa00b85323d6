export { checkSeedIntegrity } from './check-integrity.js';
export { loadSeed } from './load-seed.js';
export { SeedError } from './seed-error.js';
export { type SeedReport, seedStore } from './seed-store.js';
export {
  type KnowledgeChange,
  listKnowledgeChanges,
  loadShippedSeed,
  revertKnowledgeChanges,
  upsertTeamKnowledge,
} from './team-knowledge.js';
export { validateKnowledgePart } from './validate-part.js';

import type { Diagnosis, KnowledgeSeed } from '../domain/index.js';
import type { GraphStore } from '../store/index.js';

/**
 * What the dashboard reads. The API's services fit it as they are: the
 * dashboard shows the same diagnosis (`run { diagnosis }`) and the same
 * cached knowledge graph the resolvers use.
 */
export interface DashboardDeps {
  store: Pick<GraphStore, 'getRun' | 'readSeries'>;
  diagnose(runId: string): Promise<Diagnosis | null>;
  knowledge(): Promise<{ seed: KnowledgeSeed }>;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemoryStore } from '../../src/store/index.js';
import { describeStoreContract } from './contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'traindx-memory-'));

describeStoreContract(
  'memory',
  () => openMemoryStore({ dataDir }),
  () => openMemoryStore({ dataDir }),
);

// Every Cypher statement the Neo4j adapter sends, parameterised; labels and
// relationship types are fixed here, never built from input.

/**
 * Idempotent (IF NOT EXISTS); run once at start. Community edition: uniqueness constraints and indexes.
 * What belongs to a run is unique per (runId, own id) pair, never per a string joined from both: joined
 * keys collide (run 'a/b' batch 'c' and run 'a' batch 'b/c'). The keys of earlier versions are dropped.
 */
export const SCHEMA = [
  'DROP CONSTRAINT batch_key IF EXISTS',
  'DROP CONSTRAINT layer_key IF EXISTS',
  'DROP CONSTRAINT occurrence_key IF EXISTS',
  'CREATE CONSTRAINT symptom_id IF NOT EXISTS FOR (n:Symptom) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT cause_id IF NOT EXISTS FOR (n:Cause) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT remedy_id IF NOT EXISTS FOR (n:Remedy) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:Run) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT batch_run_batch IF NOT EXISTS FOR (n:Batch) REQUIRE (n.runId, n.batchId) IS UNIQUE',
  'CREATE CONSTRAINT occurrence_run_slot IF NOT EXISTS FOR (n:Occurrence) REQUIRE (n.runId, n.slot) IS UNIQUE',
  'CREATE CONSTRAINT layer_run_name IF NOT EXISTS FOR (n:Layer) REQUIRE (n.runId, n.name) IS UNIQUE',
  'CREATE CONSTRAINT outcome_run_remedy IF NOT EXISTS FOR (n:Outcome) REQUIRE (n.runId, n.remedyId) IS UNIQUE',
  'CREATE INDEX series_run_key IF NOT EXISTS FOR (n:Series) ON (n.runId, n.key)',
  'CREATE CONSTRAINT state_part_run_key IF NOT EXISTS FOR (n:StatePart) REQUIRE (n.runId, n.key) IS UNIQUE',
  'CREATE INDEX state_part_run IF NOT EXISTS FOR (n:StatePart) ON (n.runId)',
  'CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE',
  'CREATE CONSTRAINT api_token_name IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.name IS UNIQUE',
  'CREATE CONSTRAINT run_claim_run IF NOT EXISTS FOR (n:RunClaim) REQUIRE n.runId IS UNIQUE',
  'CREATE CONSTRAINT knowledge_change_key IF NOT EXISTS FOR (n:KnowledgeChange) REQUIRE (n.part, n.key) IS UNIQUE',
  // Occurrences stored under the joined key ($runId + '|' + slot) get their slot; idempotent (only those without).
  `MATCH (o:Occurrence) WHERE o.slot IS NULL AND o.key STARTS WITH o.runId + '|'
   SET o.slot = substring(o.key, size(o.runId) + 1)`,
];

/** Whether the database holds the knowledge graph: false for a fresh one (a Neo4j back empty). One index lookup. */
export const IS_SEEDED = 'RETURN EXISTS { MATCH (:Symptom) } AS seeded';

/** Idempotent upsert by id; one round trip per node kind. */
export const UPSERT_SOURCES = `
UNWIND $rows AS r
MERGE (n:Source {id: r.id})
SET n.title = r.title, n.url = r.url, n.note = r.note`;

export const UPSERT_SYMPTOMS = `
UNWIND $rows AS r
MERGE (n:Symptom {id: r.id})
SET n.name = r.name, n.description = r.description, n.kind = r.kind, n.aliases = r.aliases,
    n.outcome = r.outcome, n.risk = r.risk`;

export const UPSERT_CAUSES = `
UNWIND $rows AS r
MERGE (n:Cause {id: r.id})
SET n.name = r.name, n.description = r.description, n.category = r.category, n.prior = r.prior,
    n.mechanism = r.mechanism, n.wordingWithoutJson = r.wordingWithoutJson`;

export const UPSERT_REMEDIES = `
UNWIND $rows AS r
MERGE (n:Remedy {id: r.id})
SET n.name = r.name, n.description = r.description, n.structural = r.structural,
    n.editJson = r.editJson, n.snippetTfjs = r.snippetTfjs, n.snippetKeras = r.snippetKeras,
    n.snippetPytorch = r.snippetPytorch`;

/** Idempotent: one SUGGESTS edge per (symptom, cause); a changed weight updates it. Skips links whose nodes are absent. */
export const UPSERT_SUGGESTS = `
UNWIND $rows AS r
MATCH (s:Symptom {id: r.symptom})
MATCH (c:Cause {id: r.cause})
MERGE (s)-[l:SUGGESTS]->(c)
SET l.weight = r.weight, l.predicts = r.predicts, l.rationale = r.rationale, l.source = r.source`;

/** Idempotent like UPSERT_SUGGESTS; outcome counts learned from runs are kept on update. */
export const UPSERT_FIXED_BY = `
UNWIND $rows AS r
MATCH (c:Cause {id: r.cause})
MATCH (m:Remedy {id: r.remedy})
MERGE (c)-[l:FIXED_BY]->(m)
ON CREATE SET l.tries = r.tries, l.successes = r.successes
SET l.effectiveness = r.effectiveness, l.rationale = r.rationale, l.source = r.source`;

export const READ_SOURCES = 'MATCH (n:Source) RETURN n {.*} AS n ORDER BY n.id';
export const READ_SYMPTOMS = 'MATCH (n:Symptom) RETURN n {.*} AS n ORDER BY n.id';
export const READ_CAUSES = 'MATCH (n:Cause) RETURN n {.*} AS n ORDER BY n.id';
export const READ_REMEDIES = 'MATCH (n:Remedy) RETURN n {.*} AS n ORDER BY n.id';
export const READ_SUGGESTS = `
MATCH (s:Symptom)-[l:SUGGESTS]->(c:Cause)
RETURN l {.*, symptom: s.id, cause: c.id} AS l ORDER BY s.id, c.id`;
export const READ_FIXED_BY = `
MATCH (c:Cause)-[l:FIXED_BY]->(m:Remedy)
RETURN l {.*, cause: c.id, remedy: m.id} AS l ORDER BY c.id, m.id`;

/** One round trip: the counts of every node and link kind of the knowledge graph. */
export const COUNT_KNOWLEDGE = `
CALL () { MATCH (n:Symptom) RETURN count(n) AS symptoms }
CALL () { MATCH (n:Cause) RETURN count(n) AS causes }
CALL () { MATCH (n:Remedy) RETURN count(n) AS remedies }
CALL () { MATCH (n:Source) RETURN count(n) AS sources }
CALL () { MATCH (:Symptom)-[l:SUGGESTS]->(:Cause) RETURN count(l) AS suggests }
CALL () { MATCH (:Cause)-[l:FIXED_BY]->(:Remedy) RETURN count(l) AS fixedBy }
RETURN symptoms, causes, remedies, sources, suggests, fixedBy`;

/** The neighbourhood the reasoner needs: symptoms → SUGGESTS → causes → FIXED_BY → remedies. One round trip. */
export const KNOWLEDGE_AROUND = `
MATCH (s:Symptom) WHERE s.id IN $ids
OPTIONAL MATCH (s)-[l:SUGGESTS]->(c:Cause)
WITH collect(DISTINCT s {.*}) AS symptoms,
     collect(DISTINCT CASE WHEN l IS NULL THEN NULL ELSE l {.*, symptom: s.id, cause: c.id} END) AS suggests,
     collect(DISTINCT c) AS causeNodes
CALL (causeNodes) {
  UNWIND causeNodes AS c
  OPTIONAL MATCH (c)-[f:FIXED_BY]->(m:Remedy)
  RETURN collect(DISTINCT c {.*}) AS causes,
         collect(DISTINCT CASE WHEN f IS NULL THEN NULL ELSE f {.*, cause: c.id, remedy: m.id} END) AS fixedBy,
         collect(DISTINCT m {.*}) AS remedies
}
RETURN symptoms, suggests, causes, fixedBy, remedies`;

/**
 * Idempotent: creates the run (and its layers, and RETRY_OF to a stored parent) only if absent.
 * The fields LIST_RUNS returns are copied out of runJson; tagsJson is always set ('null' without tags).
 */
export const PUT_RUN = `
MERGE (r:Run {id: $id})
ON CREATE SET r.runJson = $runJson, r.name = $name, r.eventCount = 0, r.batchCount = 0,
              r.parentRunId = $parentRunId, r.appliedRemedies = $appliedRemedies, r.tagsJson = $tagsJson,
              r.createdAt = datetime(), r.justCreated = true
WITH r, coalesce(r.justCreated, false) AS created
REMOVE r.justCreated
WITH r, created
CALL (r, created) {
  WITH r, created WHERE created
  UNWIND $layers AS layer
  MERGE (l:Layer {runId: $id, name: layer.name})
  SET l.index = layer.index, l.index = layer.index, l.type = layer.type, l.activation = layer.activation,
      l.units = layer.units
  MERGE (r)-[:HAS_LAYER]->(l)
}
CALL (r, created) {
  WITH r, created WHERE created AND $parentRunId IS NOT NULL
  MATCH (p:Run {id: $parentRunId})
  MERGE (r)-[:RETRY_OF]->(p)
}
RETURN created`;

/** The light read behind runVersion: no run description, no detector state. */
export const RUN_VERSION = `
MATCH (r:Run {id: $id})
RETURN r.batchCount AS batchCount, r.status AS status`;

export const GET_RUN = `
MATCH (r:Run {id: $id})
RETURN r.runJson AS runJson, r.status AS status, r.lastStep AS lastStep, r.eventCount AS eventCount,
       r.batchCount AS batchCount, r.detectorState AS detectorState`;

/**
 * One round trip: every run with its counters and its distinct symptom ids, sorted. Runs stored
 * before PUT_RUN copied fields out of runJson (no tagsJson) also return runJson to read them from.
 */
export const LIST_RUNS = `
MATCH (r:Run)
RETURN r.id AS id, r.name AS name, r.status AS status, r.lastStep AS lastStep, r.eventCount AS eventCount,
       r.batchCount AS batchCount, r.parentRunId AS parentRunId, r.appliedRemedies AS appliedRemedies,
       r.tagsJson AS tagsJson, CASE WHEN r.tagsJson IS NULL THEN r.runJson END AS legacyRunJson,
       COLLECT {
         MATCH (r)-[:EXHIBITED]->(o:Occurrence)
         RETURN DISTINCT o.symptomId AS symptomId ORDER BY symptomId
       } AS symptomIds
ORDER BY r.createdAt, r.id`;

/**
 * Inside the batch transaction: takes the run's write lock (the SET), then reads
 * its batch count and whether this batch was stored already, so two writers of
 * one run are serialised and the second sees the first's count.
 */
export const RUN_BATCH_HEAD = `
MATCH (r:Run {id: $id})
SET r.touchedAt = timestamp()
WITH r
OPTIONAL MATCH (b:Batch {runId: $id, batchId: $batchId})
RETURN r.batchCount AS batchCount, count(b) AS seen`;

/** Has this batch been stored already? (An index seek on the batch_run_batch pair.) */
export const BATCH_EXISTS = 'MATCH (b:Batch {runId: $runId, batchId: $batchId}) RETURN count(b) AS n';

/**
 * Inside the batch transaction: marks the batch seen and updates the run's
 * counters and detector state. The (runId, batchId) uniqueness constraint makes a
 * concurrent duplicate (another replica) fail instead of double counting.
 */
export const RECORD_BATCH = `
MATCH (r:Run {id: $runId})
CREATE (b:Batch {runId: $runId, batchId: $batchId, eventCount: $eventCount, at: datetime()})
SET r.eventCount = r.eventCount + $eventCount,
    r.batchCount = r.batchCount + 1,
    r.lastStep = CASE WHEN $lastStep IS NULL THEN r.lastStep
                      WHEN r.lastStep IS NULL OR $lastStep > r.lastStep THEN $lastStep ELSE r.lastStep END,
    r.status = coalesce($status, r.status),
    r.detectorState = coalesce($detectorState, r.detectorState)
RETURN r.id AS id`;

/** Inside the batch transaction, before a delta that holds every part: drops the run's parts. */
export const CLEAR_STATE_PARTS = `
MATCH (p:StatePart {runId: $runId})
DETACH DELETE p`;

/**
 * Inside the batch transaction: a batch's detector state delta, one StatePart
 * node per part keyed by (runId, key) (state_part_run_key), so a batch writes
 * only the parts it changed. A part keeps the (batch, i) of its first write:
 * READ_STATE orders by it, the order the parts were split in. The whole state
 * of an older version is removed: parts written after it are newer.
 */
export const WRITE_STATE_DELTA = `
MATCH (r:Run {id: $runId})
REMOVE r.detectorState
WITH r
CALL (r) {
  UNWIND $del AS key
  MATCH (p:StatePart {runId: $runId, key: key})
  DETACH DELETE p
}
CALL (r) {
  UNWIND $set AS part
  MERGE (p:StatePart {runId: $runId, key: part.key})
  ON CREATE SET p.batch = $batch, p.i = part.i
  SET p.text = part.text
}`;

/**
 * One round trip: the run's whole state of an older version, or its parts in
 * the order first written (only those of $keys unless it is null). No row for
 * an unknown run.
 */
export const READ_STATE = `
MATCH (r:Run {id: $runId})
RETURN r.detectorState AS base,
       CASE WHEN r.detectorState IS NOT NULL THEN [] ELSE COLLECT {
         MATCH (p:StatePart {runId: $runId})
         WHERE $keys IS NULL OR p.key IN $keys
         RETURN [p.key, p.text] ORDER BY p.batch, p.i
       } END AS parts`;

/** Inside the batch transaction: one Series node per key per batch (a chunk), never one node per point. */
export const APPEND_SERIES = `
MATCH (r:Run {id: $runId})
UNWIND $chunks AS c
CREATE (s:Series {runId: $runId, key: c.key, firstStep: c.firstStep, steps: c.steps, values: c.values})
CREATE (r)-[:HAS_SERIES]->(s)`;

/**
 * Inside the batch transaction: idempotent per (run, slot), the slot being (symptom, layer, firstStep)
 * (occurrenceKey); links to the Symptom when seeded.
 */
export const UPSERT_OCCURRENCES = `
MATCH (r:Run {id: $runId})
UNWIND $rows AS o
MERGE (occ:Occurrence {runId: $runId, slot: o.slot})
SET occ.symptomId = o.symptomId, occ.firstStep = o.firstStep, occ.lastStep = o.lastStep,
    occ.layer = o.layer, occ.severity = o.severity, occ.confidence = o.confidence, occ.evidence = o.evidence
MERGE (r)-[:EXHIBITED]->(occ)
WITH occ, o
OPTIONAL MATCH (s:Symptom {id: o.symptomId})
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | MERGE (occ)-[:OF]->(s))`;

export const READ_SERIES = `
MATCH (:Run {id: $runId})-[:HAS_SERIES]->(s:Series)
WHERE $key IS NULL OR s.key = $key
RETURN s.key AS key, s.steps AS steps, s.values AS values
ORDER BY s.key, s.firstStep`;

export const READ_OCCURRENCES = `
MATCH (:Run {id: $runId})-[:EXHIBITED]->(o:Occurrence)
RETURN o {.symptomId, .firstStep, .lastStep, .layer, .severity, .confidence, .evidence} AS o
ORDER BY o.firstStep, o.symptomId`;

export const RUN_EXISTS = 'MATCH (r:Run {id: $id}) RETURN count(r) AS n';

/**
 * Inside the outcome transaction: stores the outcome unless one of the same
 * (runId, remedyId) exists, with the token that owns its run (recordedBy).
 * MERGE on the outcome_run_remedy constraint locks the pair, so of two
 * concurrent writers only one sees created = true.
 */
export const MERGE_OUTCOME = `
MERGE (o:Outcome {runId: $runId, remedyId: $remedyId})
ON CREATE SET o.parentRunId = $parentRunId, o.causeIds = $causeIds, o.success = $success, o.note = $note,
              o.contextFamily = $contextFamily, o.contextOptimizer = $contextOptimizer,
              o.contextSymptoms = $contextSymptoms, o.at = datetime(), o.justCreated = true
WITH o, coalesce(o.justCreated, false) AS created
REMOVE o.justCreated
WITH o, created
OPTIONAL MATCH (c:RunClaim {runId: $runId})
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END | SET o.recordedBy = c.token)
RETURN created`;

/**
 * Inside the outcome transaction: counts it on the FIXED_BY link of each cause
 * to the remedy; absent links are skipped. The increment is read under the
 * link's write lock (SET x = x + 1), so concurrent outcomes lose no count.
 */
export const COUNT_OUTCOME_ON_LINKS = `
UNWIND $causeIds AS causeId
MATCH (:Cause {id: causeId})-[l:FIXED_BY]->(:Remedy {id: $remedyId})
SET l.tries = coalesce(l.tries, 0) + 1,
    l.successes = coalesce(l.successes, 0) + CASE WHEN $success THEN 1 ELSE 0 END
RETURN count(l) AS updatedLinks`;

/** Inside the outcome transaction: the graph model's (:Run)-[:APPLIED]->(:Remedy) and RETRY_OF, where the nodes exist. */
export const LINK_OUTCOME = `
MATCH (r:Run {id: $runId})
CALL (r) {
  MATCH (m:Remedy {id: $remedyId})
  MERGE (r)-[a:APPLIED]->(m)
  SET a.success = $success
}
CALL (r) {
  MATCH (p:Run {id: $parentRunId})
  MERGE (r)-[:RETRY_OF]->(p)
}`;

/** Outcomes that count (not discarded), all or those of one remedy and/or one parent run, in a fixed order. */
export const LIST_OUTCOMES = `
MATCH (o:Outcome)
WHERE ($remedyId IS NULL OR o.remedyId = $remedyId) AND ($parentRunId IS NULL OR o.parentRunId = $parentRunId)
  AND o.discardedAt IS NULL
RETURN o {.runId, .parentRunId, .remedyId, .causeIds, .success, .note,
          context: CASE WHEN o.contextFamily IS NULL THEN null
          ELSE {family: o.contextFamily, optimizer: o.contextOptimizer, symptoms: o.contextSymptoms} END} AS o
ORDER BY o.parentRunId, o.runId, o.remedyId`;

/** A new API token (its sha256, never the secret); the api_token_hash and api_token_name constraints refuse a second. */
export const PUT_TOKEN = `
CREATE (t:ApiToken {name: $name, hash: $hash, scope: $scope, createdAt: $createdAt})`;

/** One index seek on api_token_hash. */
export const FIND_TOKEN = `
MATCH (t:ApiToken {hash: $hash}) RETURN t {.name, .hash, .scope, .createdAt} AS t`;

/** Every live token, without hashes, by name. */
export const LIST_TOKENS = `
MATCH (t:ApiToken) RETURN t {.name, .scope, .createdAt} AS t ORDER BY t.name`;

/** Deletes the token of a name; one row, n = 0 when there was none. */
export const REVOKE_TOKEN = `
OPTIONAL MATCH (t:ApiToken {name: $name})
DELETE t
RETURN count(t) AS n`;

/** Idempotent: the first token to claim a run keeps it (run_claim_run); returns the owner. */
export const CLAIM_RUN = `
MERGE (c:RunClaim {runId: $runId})
ON CREATE SET c.token = $token
RETURN c.token AS owner`;

/** The token that started a run, if any. */
export const RUN_OWNER = `
MATCH (c:RunClaim {runId: $runId}) RETURN c.token AS owner`;

/** Every outcome with its provenance, discarded ones too; LIST_OUTCOMES' filter and order. */
export const LIST_OUTCOME_RECORDS = `
MATCH (o:Outcome)
WHERE ($remedyId IS NULL OR o.remedyId = $remedyId) AND ($parentRunId IS NULL OR o.parentRunId = $parentRunId)
RETURN o {.runId, .parentRunId, .remedyId, .causeIds, .success, .note, .recordedBy, .discardedBy, .discardedAt,
          recordedAtMs: o.at.epochMillis,
          context: CASE WHEN o.contextFamily IS NULL THEN null
          ELSE {family: o.contextFamily, optimizer: o.contextOptimizer, symptoms: o.contextSymptoms} END} AS o
ORDER BY o.parentRunId, o.runId, o.remedyId`;

/**
 * Inside the discard transaction: marks an outcome discarded, once (a second discard returns no row).
 * The outcome stays, so recordOutcome of the same pair stays a no-op.
 */
export const DISCARD_OUTCOME = `
MATCH (o:Outcome {runId: $runId, remedyId: $remedyId})
WHERE o.discardedAt IS NULL
SET o.discardedBy = $by, o.discardedAt = $at
RETURN o.causeIds AS causeIds, o.success AS success`;

/** Inside the discard transaction: COUNT_OUTCOME_ON_LINKS undone, never below 0 (a link re-made since never counted it). */
export const UNCOUNT_OUTCOME_ON_LINKS = `
UNWIND $causeIds AS causeId
MATCH (:Cause {id: causeId})-[l:FIXED_BY]->(:Remedy {id: $remedyId})
SET l.tries = CASE WHEN coalesce(l.tries, 0) > 0 THEN l.tries - 1 ELSE 0 END,
    l.successes = CASE WHEN $success AND coalesce(l.successes, 0) > 0 THEN l.successes - 1
                       ELSE coalesce(l.successes, 0) END`;

/** Idempotent: marks entries as the team's (knowledge_change_key: one mark per part and key), with who and when. */
export const TAG_KNOWLEDGE = `
UNWIND $refs AS r
MERGE (c:KnowledgeChange {part: r.part, key: r.key})
SET c.by = $by, c.at = $at`;

/** Idempotent: the entries are the seed's again. */
export const UNTAG_KNOWLEDGE = `
UNWIND $refs AS r
MATCH (c:KnowledgeChange {part: r.part, key: r.key})
DELETE c`;

/** Every team mark, by part and key. */
export const READ_KNOWLEDGE_TAGS = `
MATCH (c:KnowledgeChange) RETURN c {.part, .key, .by, .at} AS c ORDER BY c.part, c.key`;

/** Removes nodes with every link at them (a revert of what a team added); one statement per label. */
export const REMOVE_SOURCES = 'UNWIND $ids AS id MATCH (n:Source {id: id}) DETACH DELETE n';
export const REMOVE_SYMPTOMS = 'UNWIND $ids AS id MATCH (n:Symptom {id: id}) DETACH DELETE n';
export const REMOVE_CAUSES = 'UNWIND $ids AS id MATCH (n:Cause {id: id}) DETACH DELETE n';
export const REMOVE_REMEDIES = 'UNWIND $ids AS id MATCH (n:Remedy {id: id}) DETACH DELETE n';

/** Removes links a team added; absent ones are skipped. */
export const REMOVE_SUGGESTS = `
UNWIND $rows AS r
MATCH (:Symptom {id: r.symptom})-[l:SUGGESTS]->(:Cause {id: r.cause})
DELETE l`;
export const REMOVE_FIXED_BY = `
UNWIND $rows AS r
MATCH (:Cause {id: r.cause})-[l:FIXED_BY]->(:Remedy {id: r.remedy})
DELETE l`;

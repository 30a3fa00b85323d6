// Only the parser and AST kinds come from 'graphql' itself: errors are made
// through graphql-yoga, so they are instances of the GraphQLError class Yoga
// checks for (a test runner may load 'graphql' twice, as ESM and as CJS).
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  type TypeNode,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { IngestOptions } from '../ingest/index.js';
import { authorize, type Principal } from './auth.js';
import { type AppServices, createRequestContext } from './context.js';
import { toClientError } from './errors.js';
import { ingestBatch } from './resolvers/ingest.js';

/**
 * The hot path of a live run, `logEvents` with a batch of events, answered
 * without GraphQL's general machinery. A document is checked once (parsed,
 * validated against the schema like any other) and, when it has the plain
 * shape clients send — one mutation, one `logEvents` field whose three
 * arguments are variables of exactly the schema's types, each used once,
 * selecting only scalar fields of IngestResult — remembered as a plan (a
 * document of that shape is valid against the schema by construction). A request with that document and
 * well-typed variables then calls the very resolver the schema uses and
 * gets the answer the executor would give: the same fields in the same
 * order, and on failure the same error, located at the field, with path
 * [logEvents], masked alike (it runs what the resolver runs,
 * ingestBatch, and picks the selected scalars from its result). Anything else (other operations, literals,
 * fragments, directives, `symptoms`, variables of the wrong type) goes the
 * general way, which also words its errors.
 *
 * Why: for a batch of 500 events, the general path (variable coercion of
 * the list, the envelop hooks, the armor's walks of the document, and the
 * fetch-API adapter around node:http) cost as much as detecting symptoms
 * in the batch, and ingest throughput is what a live run feels.
 */
export interface CompiledIngest {
  /** The plan of a document, or null when it must take the general path. Cached by text. */
  planOf(query: unknown, operationName: unknown): Plan | null;
  /**
   * Runs a plan: `{ data }`, or `{ data: null, errors }` as the executor would report the failure;
   * null when the variables do not fit it. `options` come from what the caller saw of the body text.
   */
  run(
    plan: Plan,
    variables: unknown,
    options?: IngestOptions,
    principal?: Principal | null,
  ): Promise<ExecutionResult> | null;
}

export interface Plan {
  operationName: string | undefined;
  /** The response key: the field's alias or `logEvents`. */
  key: string;
  field: FieldNode;
  args(variables: Record<string, unknown>): LogEventsArgs | null;
  pick(value: Record<string, unknown>): Record<string, unknown>;
}

interface LogEventsArgs {
  runId: string;
  batchId: string;
  events: unknown[];
}

export function compileIngest(services: AppServices): CompiledIngest {
  const plans = new Map<string, Plan | null>();
  return {
    planOf(query, operationName) {
      if (typeof query !== 'string') return null;
      let plan = plans.get(query);
      if (plan === undefined) {
        plan = planFor(query);
        // Bounded: clients send a handful of documents; a flood of new ones starts over.
        if (plans.size >= 256) plans.clear();
        plans.set(query, plan);
      }
      if (!plan || (operationName != null && operationName !== plan.operationName)) return null;
      return plan;
    },
    run(plan, variables, options, principal) {
      const args = plan.args(
        typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {},
      );
      if (!args) return null;
      const ctx = createRequestContext(services, principal);
      // The same check as the schema's resolver wrapper (auth.ts), so both paths refuse alike.
      const checked = authorize(ctx, 'Mutation', 'logEvents', { runId: args.runId });
      return checked
        .then(() => ingestBatch(ctx, args.runId, args.batchId, args.events, options))
        .then(
          (value) => ({ data: { [plan.key]: plan.pick(value as unknown as Record<string, unknown>) } }),
          (err: unknown) => ({
            data: null,
            errors: [toClientError(located(err, plan), 'Unexpected error.') as GraphQLError],
          }),
        );
    },
  };
}

/**
 * The plan inside Yoga (app.fetch, and requests node:http hands on): it sets
 * the result before Yoga parses, validates and executes. A result the
 * node:http listener already computed (a failed plan, which Yoga then
 * serialises and negotiates) arrives in the server context.
 */
export function useCompiledIngest(
  compiled: CompiledIngest,
  principalOf: (request: Request) => Principal | null,
): Plugin {
  return {
    onParams({ params, request, setResult, context }) {
      const computed = (context as { [COMPUTED]?: ExecutionResult } | undefined)?.[COMPUTED];
      if (computed) return setResult(computed);
      if (request.method !== 'POST') return;
      const plan = compiled.planOf(params.query, params.operationName);
      const running = plan && compiled.run(plan, params.variables, undefined, principalOf(request));
      if (running) return running.then(setResult) as Promise<void>;
    },
  };
}

/** Server-context key of a result computed before Yoga saw the request. */
export const COMPUTED = 'traindxComputedResult';

/** Scalar fields of IngestResult a plan may select (the resolver always sets the non-null ones). */
const SCALARS = new Set(['runId', 'batchId', 'accepted', 'eventCount', 'lastStep', '__typename']);

const WANTED: Record<string, string> = { runId: 'ID!', batchId: 'ID!', events: '[JSON!]!' };

function planFor(query: string): Plan | null {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch {
    return null;
  }
  if (doc.definitions.length !== 1) return null;
  const op = doc.definitions[0] as OperationDefinitionNode;
  if (op.kind !== Kind.OPERATION_DEFINITION || op.operation !== 'mutation' || op.directives?.length)
    return null;
  if (op.selectionSet.selections.length !== 1) return null;
  const field = op.selectionSet.selections[0]!;
  if (field.kind !== Kind.FIELD || field.name.value !== 'logEvents' || field.directives?.length) return null;
  // Each argument a variable of exactly the declared type, without a default.
  const declared = new Map((op.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
  if (declared.size !== 3 || op.variableDefinitions!.length !== 3 || field.arguments?.length !== 3)
    return null;
  const from: Record<string, string> = {};
  for (const arg of field.arguments) {
    if (arg.value.kind !== Kind.VARIABLE) return null;
    const d = declared.get(arg.value.name.value);
    if (!d || d.defaultValue || d.directives?.length || typeText(d.type) !== WANTED[arg.name.value])
      return null;
    from[arg.name.value] = arg.value.name.value;
  }
  // Three distinct arguments from three distinct variables: none unused, none twice.
  if (Object.keys(from).length !== 3 || new Set(Object.values(from)).size !== 3) return null;
  const outputs: [string, string][] = [];
  for (const s of field.selectionSet?.selections ?? []) {
    if (s.kind !== Kind.FIELD || s.directives?.length || s.selectionSet || !SCALARS.has(s.name.value))
      return null;
    const key = s.alias?.value ?? s.name.value;
    // The executor merges a repeated key into its first position.
    if (!outputs.some(([k]) => k === key)) outputs.push([key, s.name.value]);
  }
  return {
    operationName: op.name?.value,
    key: field.alias?.value ?? 'logEvents',
    field,
    args(variables) {
      const runId = asId(variables[from.runId!]);
      const batchId = asId(variables[from.batchId!]);
      const raw = variables[from.events!];
      if (runId === null || batchId === null || raw === null || raw === undefined) return null;
      // GraphQL's list coercion: a single value stands for a list of one; no item may be null.
      const events = Array.isArray(raw) ? raw : [raw];
      for (let i = 0; i < events.length; i++) if (events[i] === null || events[i] === undefined) return null;
      return { runId, batchId, events };
    },
    pick(value) {
      const out: Record<string, unknown> = {};
      for (const [key, name] of outputs)
        out[key] = name === '__typename' ? 'IngestResult' : (value[name] ?? null);
      return out;
    },
  };
}

/** As graphql's locatedError reports a resolver's failure: at the field, path [key], its extensions kept. */
function located(err: unknown, plan: Plan): GraphQLError {
  const original = err instanceof Error ? err : new Error(`Unexpected error value: ${String(err)}`);
  const extensions = (original as { extensions?: Record<string, unknown> }).extensions;
  return createGraphQLError(original.message, {
    nodes: [plan.field],
    path: [plan.key],
    originalError: original,
    ...(extensions ? { extensions } : {}),
  });
}

/** ID input coercion: a string, or an integer written as its digits. */
function asId(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return null;
}

function typeText(t: TypeNode): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${typeText(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${typeText(t.type)}]`;
  return t.name.value;
}

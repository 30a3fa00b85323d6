import { type GraphqlEndpoint, postGraphql } from './graphql-http.js';

/** How a server takes a run's events, read from its schema once. */
export interface RemoteProtocol {
  /** `logEvents(runId, batchId, events)` where the server has it, else the older `ingest` (same semantics). */
  mutation: 'logEvents' | 'ingest';
  /** Selection set of the mutation's answer: `accepted` and the symptoms so far, when it offers them. */
  selection: string;
  /** `startRun(run)` / `finishRun(runId, end)` carry the run and end events, when the server has both. */
  lifecycle: { start: string; finish: string } | undefined;
  /** The server pushes alerts through `subscription { alerts(runId) }`. */
  alerts: boolean;
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}

const SCHEMA = `{ __schema {
  mutationType { fields { name type { kind name ofType { kind name ofType { kind name } } } } }
  subscriptionType { fields { name } } } }`;
const FIELDS = 'query($name: String!) { __type(name: $name) { fields { name } } }';
const SYMPTOMS = 'symptoms { id name confidence severity firstStep lastStep layer evidence }';

const named = (t: TypeRef | null | undefined): TypeRef | undefined =>
  !t ? undefined : t.kind === 'NON_NULL' || t.kind === 'LIST' ? named(t.ofType) : t;

/**
 * What the server offers when it will not say (introspection turned off): the
 * current schema's startRun / logEvents / finishRun and alerts subscription.
 */
export const CURRENT_PROTOCOL: RemoteProtocol = {
  mutation: 'logEvents',
  selection: `{ accepted ${SYMPTOMS} }`,
  lifecycle: { start: '{ id }', finish: '{ id }' },
  alerts: true,
};

/**
 * Reads which mutations and subscription the server offers (introspection),
 * so the sink speaks to servers from before and after `logEvents` was added.
 *
 * @example const p = await detectProtocol(ep); // { mutation: 'logEvents', selection: '{ accepted symptoms {...} }', ... }
 */
export async function detectProtocol(ep: GraphqlEndpoint): Promise<RemoteProtocol> {
  const data = (await postGraphql(ep, SCHEMA, {})) as {
    __schema: {
      mutationType: { fields: { name: string; type: TypeRef }[] } | null;
      subscriptionType: { fields: { name: string }[] } | null;
    };
  };
  const fields = new Map((data.__schema.mutationType?.fields ?? []).map((f) => [f.name, f.type]));
  const mutation = fields.has('logEvents') ? 'logEvents' : 'ingest';
  const selectionOf = async (type: TypeRef | undefined, wanted: string[]): Promise<string> => {
    const t = named(type);
    if (!t?.name || t.kind !== 'OBJECT') return '';
    const answer = (await postGraphql(ep, FIELDS, { name: t.name })) as {
      __type: { fields: { name: string }[] } | null;
    };
    const has = new Set((answer.__type?.fields ?? []).map((f) => f.name));
    const picked = wanted.filter((w) => has.has(w)).map((w) => (w === 'symptoms' ? SYMPTOMS : w));
    return `{ ${picked.length > 0 ? picked.join(' ') : '__typename'} }`;
  };
  const lifecycle =
    mutation === 'logEvents' && fields.has('startRun') && fields.has('finishRun')
      ? {
          start: await selectionOf(fields.get('startRun'), []),
          finish: await selectionOf(fields.get('finishRun'), ['symptoms']),
        }
      : undefined;
  return {
    mutation,
    selection: await selectionOf(fields.get(mutation), ['accepted', 'symptoms']),
    lifecycle,
    alerts: (data.__schema.subscriptionType?.fields ?? []).some((f) => f.name === 'alerts'),
  };
}

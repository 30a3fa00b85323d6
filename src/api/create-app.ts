import { readFileSync } from 'node:fs';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { schemaPath } from '../config/index.js';
import { type AppDeps, createRequestContext } from './context.js';
import { JSONScalar } from './resolvers/json-scalar.js';
import { knowledgeResolvers } from './resolvers/knowledge.js';
import { runResolvers } from './resolvers/runs.js';

/**
 * The GraphQL app, built SDL-first from schema.graphql. GraphiQL is served
 * from the package itself (offline); `/health` answers with the store kind.
 * Use `app.fetch` in tests (no port) or pass `app` to node:http.
 *
 * @example const app = createApp({ store, ingest, profileFor });
 */
export function createApp(deps: AppDeps) {
  const schema = makeExecutableSchema({
    typeDefs: readFileSync(schemaPath(), 'utf8'),
    resolvers: [{ JSON: JSONScalar }, knowledgeResolvers, runResolvers],
  });
  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    // Our own /health (below) also says which store answers.
    healthCheckEndpoint: '/yoga-health',
    plugins: [
      useHealth(deps),
      // Depth, cost, alias and token limits, so one request cannot make the graph walk explode.
      EnvelopArmorPlugin({ maxDepth: { n: 10 }, costLimit: { maxCost: 20_000 } }),
    ],
    landingPage: false,
    renderGraphiQL,
    graphiql: { title: 'traindx', defaultQuery: DEFAULT_QUERY },
    context: () => createRequestContext(deps),
  });
}

/** `/health`: 200 with the store kind once the store answers a count, 503 otherwise. */
function useHealth(deps: AppDeps): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/health') return;
      try {
        const counts = await deps.store.countKnowledge();
        endResponse(
          fetchAPI.Response.json({ status: 'ok', store: deps.store.kind, symptoms: counts.symptoms }),
        );
      } catch (err) {
        endResponse(
          fetchAPI.Response.json(
            { status: 'unavailable', store: deps.store.kind, error: (err as Error).message },
            { status: 503 },
          ),
        );
      }
    },
  };
}

const DEFAULT_QUERY = `# Why do gradients explode, and what fixes it?
{
  symptom(id: "exploding_gradients") {
    name
    causes {
      weight
      rationale
      source { title }
      cause { id name remedies { effectiveness remedy { id name snippets { keras pytorch tfjs } } } }
    }
  }
}`;

import { readFileSync } from 'node:fs';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga } from 'graphql-yoga';
import { schemaPath } from '../config/index.js';
import { useDashboard } from '../dashboard/index.js';
import { dashboardAccess, guardRootFields, useAuth } from './auth.js';
import { compileIngest, useCompiledIngest } from './compiled-ingest.js';
import { type AppDeps, createRequestContext, createServices } from './context.js';
import { corsOf, useCrossSite } from './cross-site.js';
import { toClientError } from './errors.js';
import { type Logger, logRequests, yogaLogger } from './logging.js';
import { createMetrics } from './metrics.js';
import { useMetrics } from './metrics-endpoint.js';
import { createNodeListener } from './node-listener.js';
import { useHealth, useRequestSizeLimit, useTraceSchema } from './plugins.js';
import { diagnosisResolvers } from './resolvers/diagnosis.js';
import { ingestResolvers } from './resolvers/ingest.js';
import { JSONScalar } from './resolvers/json-scalar.js';
import { knowledgeResolvers } from './resolvers/knowledge.js';
import { graphWriteResolvers } from './resolvers/outcomes.js';
import { runResolvers } from './resolvers/runs.js';

/**
 * The GraphQL app, built SDL-first from schema.graphql. GraphiQL is served
 * from the package itself (offline); `/health` answers with the store kind;
 * `/schema/trace-v1.json` publishes the trace format as JSON Schema.
 * Subscriptions (`alerts`) travel as server-sent events. `/metrics` is
 * Prometheus text; with `log`, node:http requests get one JSON line each.
 * Use `app.fetch` in tests (no port) or pass `app` to node:http.
 *
 * @example const app = createApp({ traindx: createTraindx({ store }) });
 */
export function createApp(deps: AppDeps & { log?: Logger }) {
  const services = createServices(deps);
  const metrics = createMetrics();
  services.diagnose = metrics.timeDiagnosis(services.diagnose);
  deps.traindx.observe(metrics.observer);
  const { limits } = services;
  const schema = makeExecutableSchema({
    typeDefs: readFileSync(schemaPath(), 'utf8'),
    resolvers: [
      { JSON: JSONScalar },
      knowledgeResolvers,
      runResolvers,
      diagnosisResolvers,
      ingestResolvers,
      graphWriteResolvers,
    ],
  });
  // Every root field checks its scope (scopes.ts); a field without one stops the build here.
  guardRootFields(schema);
  const compiled = compileIngest(services);
  const app = createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    // Our own /health (below) also says which store answers.
    healthCheckEndpoint: '/yoga-health',
    // traindx's own errors reach clients with their code; anything else as "Unexpected error." with no stack.
    maskedErrors: {
      maskError: (error, message, isDev) => toClientError(error, message, isDev, limits.maxRequestBytes),
    },
    // One body limit for every request (the hot path and useRequestSizeLimit count the same bytes).
    maxRequestBodySize: limits.maxRequestBytes,
    // No Access-Control-Allow-* headers unless the Origin is on --cors-origin's list.
    cors: corsOf(services.security),
    plugins: [
      useCrossSite(services.security),
      useMetrics(metrics, services.auth),
      useAuth(services.auth),
      useRequestSizeLimit(limits.maxRequestBytes),
      useHealth(services),
      useTraceSchema(),
      useDashboard({
        ...services,
        ...(services.auth.enabled ? { access: dashboardAccess(services.auth) } : {}),
      }),
      useCompiledIngest(compiled, services.auth.principalOf),
      // Depth, cost, alias and token limits, so one request cannot make the graph walk explode.
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth },
        costLimit: { maxCost: limits.maxCost },
        // A batch of events is one JSON variable, not tokens; this bounds query text only.
        maxTokens: { n: 2_000 },
      }),
    ],
    landingPage: false,
    ...(deps.log ? { logger: yogaLogger(deps.log) } : {}),
    // GraphiQL's page (0.6 s of module loading) is loaded when someone first opens it, not at start-up.
    renderGraphiQL: async (options) =>
      (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: { title: 'traindx', defaultQuery: DEFAULT_QUERY },
    context: ({ request }) => createRequestContext(services, services.auth.principalOf(request)),
  });
  // node:http gets a listener that answers the ingest hot path itself (see node-listener.ts).
  const listener = createNodeListener(app, compiled, limits.maxRequestBytes, services, {
    refused: metrics.refused,
    failed: (err) => deps.log?.error({ err }, 'the ingest hot path failed'),
  });
  return Object.assign(logRequests(listener, deps.log), {
    fetch: app.fetch,
    services,
    yoga: app,
    metrics,
    hotPathAnswers: listener.hotPathAnswers,
  });
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

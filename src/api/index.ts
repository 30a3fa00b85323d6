export { AlertmanagerPayload } from './alertmanager-payload.js';
export { hashToken, newTokenSecret } from './auth.js';
export type { AppDeps } from './context.js';
export { createApp } from './create-app.js';
export { createLogger, type LogDestination, type Logger } from './logging.js';
export { createWebhooks, type Webhooks } from './webhooks.js';

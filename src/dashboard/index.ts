export type { DashboardDeps, DashboardRuns } from './deps.js';
export { layoutNeighbourhood } from './graph-layout.js';
export { DASHBOARD_CSP } from './responses.js';
export { useDashboard } from './use-dashboard.js';

export { type DemoDeps, type DemoResult, runDemo } from './run-demo.js';
export { DEMO_SCENARIOS, type DemoScenario } from './scenarios.js';

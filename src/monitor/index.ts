export { tfjsBackendName } from './tfjs-backend.js';

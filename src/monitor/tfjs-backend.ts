import { createRequire } from 'node:module';

/**
 * Which TensorFlow.js backend the monitor will use: the native
 * `@tensorflow/tfjs-node` when it is installed (an optional dependency whose
 * install downloads libtensorflow, so it is often absent), otherwise
 * `@tensorflow/tfjs` with the wasm backend. Resolves modules without loading them.
 */
export function tfjsBackendName(): 'tfjs-node' | 'wasm' | 'none' {
  const require = createRequire(import.meta.url);
  const has = (id: string) => {
    try {
      require.resolve(id);
      return true;
    } catch {
      return false;
    }
  };
  if (has('@tensorflow/tfjs-node')) return 'tfjs-node';
  if (has('@tensorflow/tfjs') && has('@tensorflow/tfjs-backend-wasm')) return 'wasm';
  return 'none';
}

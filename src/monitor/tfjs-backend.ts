import { createRequire } from 'node:module';
import type { Tf } from './tf-types.js';

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

export interface TfjsBackend {
  tf: Tf;
  /** The active backend as tfjs names it: `tensorflow` (tfjs-node), `wasm` or `cpu`. */
  backend: string;
  /** Why this one: what was installed, and what failed on the way. */
  note: string;
}

/**
 * Loads TensorFlow.js on the best backend available: tfjs-node when
 * installed, else the wasm backend (about 3× faster than the pure-JS one
 * here), else `cpu`. `prefer` forces one (tests run the monitor on both
 * wasm and cpu). Pass the returned `tf` to `createMonitor`.
 *
 * @example const { tf, backend } = await initTfjsBackend(); console.log(`training on ${backend}`);
 */
export async function initTfjsBackend(prefer?: 'tfjs-node' | 'wasm' | 'cpu'): Promise<TfjsBackend> {
  const choice = prefer ?? (tfjsBackendName() === 'tfjs-node' ? 'tfjs-node' : 'wasm');
  const failures: string[] = [];
  if (choice === 'tfjs-node') {
    try {
      // A variable specifier: the package is optional and absent from type checking.
      const id = '@tensorflow/tfjs-node';
      const tf = (await import(id)) as Tf;
      await tf.ready();
      return { tf, backend: tf.getBackend(), note: 'tfjs-node is installed' };
    } catch (err) {
      failures.push(`tfjs-node failed to load (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  if (choice !== 'cpu') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, backend: 'wasm', note: [...failures, 'wasm backend of @tensorflow/tfjs'].join('; ') };
      }
      failures.push('the wasm backend did not initialise');
    } catch (err) {
      failures.push(`the wasm backend failed to load (${(err as Error).message})`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu', note: [...failures, 'pure-JS cpu backend'].join('; ') };
}

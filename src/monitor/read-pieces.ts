import type { TF, Tf } from './tf-types.js';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The wasm backend's own accessor: a view of a tensor's values on its heap (no copy, no op). */
type HeapBackend = { typedArrayFromHeap?: (t: TF.Tensor) => TypedArray };

export interface PieceReader {
  /**
   * The values of `pieces` one after another, in float32. The array is the
   * reader's own and is overwritten by the next read: decode it before then.
   */
  read(pieces: TF.Tensor[]): Promise<Float32Array>;
}

/**
 * Reads a sampled step's statistics, all of them at once. On the wasm
 * backend tensors live in the module's memory, so each piece is copied from
 * a view of it into one reused array: no op, no read-back, no allocation
 * (each tfjs op costs a few µs and some 4 kB of garbage that the collector
 * then sweeps on other threads, about as much CPU time again, and a
 * read-back allocates a fresh array). On other backends (cpu, webgl, node)
 * the pieces are joined on the backend and read back once. Views are taken
 * only after every op has run: an op may grow wasm memory and detach them.
 *
 * @example const values = await createPieceReader(tf).read([sums, maxima, loss]);
 */
export function createPieceReader(tf: Tf): PieceReader {
  let buffer = new Float32Array(0);
  return {
    async read(pieces) {
      const size = pieces.reduce((n, p) => n + p.size, 0);
      const backend = tf.backend() as unknown as HeapBackend;
      if (typeof backend.typedArrayFromHeap === 'function') {
        if (buffer.length < size) buffer = new Float32Array(size);
        let at = 0;
        for (const p of pieces) {
          buffer.set(backend.typedArrayFromHeap(p), at);
          at += p.size;
        }
        return buffer.subarray(0, size);
      }
      if (size === 0) return new Float32Array(0);
      const packed = tf.tidy(() =>
        tf.concat(pieces.map((p) => tf.reshape(p.dtype === 'float32' ? p : tf.cast(p, 'float32'), [-1]))),
      );
      const values = (await packed.data()) as Float32Array;
      packed.dispose();
      return values;
    },
  };
}

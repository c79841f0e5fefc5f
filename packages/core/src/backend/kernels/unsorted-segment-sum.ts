/**
 * `UnsortedSegmentSum` for the wasm backend.
 *
 * Why: it is the gradient of `tf.gather` (so of every token embedding), and tfjs-backend-wasm 4.22
 * has no such kernel: training fails with "Kernel 'UnsortedSegmentSum' not registered for backend
 * 'wasm'" (research/bench-backend REPORT, F3). A plain loop over heap views costs a few ms a step.
 */
import { tf } from '../tf.js';
import { asWasmBackend } from './wasm-heap.js';

function unsortedSegmentSum({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { x, segmentIds } = inputs;
  const numSegments = attrs?.['numSegments'];
  if (x === undefined || segmentIds === undefined || typeof numSegments !== 'number') {
    throw new Error('UnsortedSegmentSum needs inputs x, segmentIds and attr numSegments');
  }
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = tf.util.sizeFromShape(rowShape);
  // makeOutput may grow the heap, which detaches earlier views: allocate first, then view.
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const sums = backend.typedArrayFromHeap(out);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  sums.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] ?? -1;
    // Out-of-range ids are dropped, as TensorFlow and the tfjs cpu kernel do.
    if (segment < 0 || segment >= numSegments) continue;
    const target = segment * rowSize;
    const source = i * rowSize;
    for (let j = 0; j < rowSize; j++) sums[target + j] += values[source + j] ?? 0;
  }
  return out;
}

/** Registers the kernel for 'wasm' unless one is registered already. Idempotent. */
export function registerWasmUnsortedSegmentSum(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') !== undefined) return;
  tf.registerKernel({ kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum });
}

/**
 * The pure-JS cpu backend: ~1000× slower than wasm for training (REPORT F7), so it serves as a
 * correctness reference and as the last resort.
 */
import { registerCpuTernaryMatMul } from './kernels/ternary-matmul.js';
import { tf } from './tf.js';

/**
 * tfjs-backend-cpu 4.22 prints a "Hi, looks like you are running TensorFlow.js in Node.js..."
 * banner on its first tensor write when `IS_NODE`; the check is the instance field `firstUse`
 * (MathBackendCPU.write). Clearing that field silences only this banner, whereas the flags that
 * also gate it (`IS_TEST`, `PROD`) change other behaviour (leak checks, safety checks).
 */
function silenceCpuGreeting(): void {
  const cpu = tf.findBackend('cpu');
  if (cpu !== null && 'firstUse' in cpu) Reflect.set(cpu, 'firstUse', false);
}

/** Makes the cpu backend active, without its Node.js banner. */
export async function activateCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
  silenceCpuGreeting();
  registerCpuTernaryMatMul();
}

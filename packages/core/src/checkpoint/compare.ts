/**
 * How far two checkpoints' weights are apart: the check behind "a resumed run ends with the weights of
 * an uninterrupted one", and a quick answer to "did this phase change the model at all".
 */
import path from 'node:path';
import { ForgeError } from '../errors.js';
import { readSafetensorsFile } from '../tensors/safetensors-read.js';

const weightsFile = (location: string): string =>
  location.endsWith('.safetensors') ? location : path.join(location, 'model.safetensors');

/**
 * Largest absolute difference between two weight sets, tensor by tensor: checkpoint directories (their
 * `model.safetensors`) or `.safetensors` files (e.g. LoRA adapter files). Different tensor names or
 * sizes are a ForgeError naming them.
 */
export async function maxWeightDifference(dirA: string, dirB: string): Promise<number> {
  const [a, b] = await Promise.all([readSafetensorsFile(weightsFile(dirA)), readSafetensorsFile(weightsFile(dirB))]);
  const namesA = [...a.weights.keys()].sort().join(', ');
  const namesB = [...b.weights.keys()].sort().join(', ');
  if (namesA !== namesB)
    throw new ForgeError(`the checkpoints hold different tensors: [${namesA}] vs [${namesB}]`, { file: dirB });
  let worst = 0;
  for (const [name, tensor] of a.weights) {
    const other = b.weights.get(name);
    if (!other || other.data.length !== tensor.data.length) {
      throw new ForgeError(`tensor '${name}' has different sizes in the two checkpoints`, { file: dirB });
    }
    for (let i = 0; i < tensor.data.length; i++) {
      worst = Math.max(worst, Math.abs(Number(tensor.data[i]) - Number(other.data[i])));
    }
  }
  return worst;
}

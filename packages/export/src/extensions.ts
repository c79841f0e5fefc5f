/**
 * What an export does with each model extension a checkpoint names. A Llama has one plain forward pass:
 * an extension that changes it (ACT halting, Titans memory, BitLinear's activation quantizer, LoRA
 * adapters kept apart) is refused with its reason; one that leaves the language model's forward pass as
 * it is (Quiet-STaR's thought head, compressed storage decoded at load) exports unchanged; BitNet
 * exports to GGUF only.
 */
import { ForgeError } from '@agent-forge/core';

/** How an export treats one extension. */
export interface ExtensionPolicy {
  /** The extension's key in a checkpoint's `extensions`. */
  readonly name: string;
  /**
   * `unchanged`: the exported Llama computes what `forge chat` does; `ternary`: GGUF only, as llama.cpp's
   * `bitnet` graph (a documented approximation, see bitnet-gguf.ts); `refused`: an error.
   */
  readonly treatment: 'unchanged' | 'ternary' | 'refused';
  /** Why, in words shown to the user. */
  readonly reason: string;
}

/** Every extension this package knows, by name. */
export const EXTENSION_POLICIES: Readonly<Record<string, ExtensionPolicy>> = {
  quietstar: {
    name: 'quietstar',
    treatment: 'unchanged',
    reason: 'the thought mixing head is a sidecar; the language model decodes without it, as forge chat does',
  },
  compression: {
    name: 'compression',
    treatment: 'unchanged',
    reason: 'compressed weights are decoded to float32 at load time; the export holds the decoded weights',
  },
  titan: {
    name: 'titan',
    treatment: 'refused',
    reason:
      'ACT halting repeats blocks per token and the Titans long-term memory is read and written between blocks; no Llama, GGUF or ONNX Llama graph expresses either',
  },
  bitnet: {
    name: 'bitnet',
    treatment: 'ternary',
    reason:
      "BitLinear normalises and 8-bit-quantizes every linear layer's input per token: llama.cpp's bitnet graph (GGUF) expresses most of it, a plain Llama (the 🤗 layout) none",
  },
  lora: {
    name: 'lora',
    treatment: 'refused',
    reason:
      "persona adapters are not merged by the exporter; export the baking phase's merged/ checkpoint instead (phase setting `mergePersona`), which has the persona in its weights",
  },
};

/** Throws a ForgeError for the first extension that cannot be exported, naming it and why. */
export function assertExportableExtensions(extensions: Readonly<Record<string, unknown>>): void {
  for (const name of Object.keys(extensions)) {
    const policy = EXTENSION_POLICIES[name];
    if (!policy) {
      throw new ForgeError(`cannot export: the model uses extension '${name}', which the exporter does not know`, {
        field: `extensions.${name}`,
      });
    }
    if (policy.treatment === 'refused') {
      throw new ForgeError(`cannot export a '${name}' model: ${policy.reason}`, { field: `extensions.${name}` });
    }
  }
}

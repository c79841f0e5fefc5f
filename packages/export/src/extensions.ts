/**
 * What an export does with each model extension a checkpoint names. A Llama has one plain forward pass:
 * an extension that leaves the language model's forward pass as it is (Quiet-STaR's thought head,
 * compressed storage decoded at load) exports unchanged; one that changes it is exported in a documented
 * approximation whose agreement with ours the export measures (ACT + Titans memory: titan-export.ts;
 * BitLinear: bitnet-float.ts), or refused with its reason (LoRA adapters kept apart).
 */
import { ForgeError } from '@agent-forge/core';

/** How an export treats one extension. */
export interface ExtensionPolicy {
  /** The extension's key in a checkpoint's `extensions`. */
  readonly name: string;
  /**
   * `unchanged`: the exported Llama computes what `forge chat` does; `approximated`: exported in the
   * documented approximation, its agreement with ours measured and returned; `refused`: an error.
   */
  readonly treatment: 'unchanged' | 'approximated' | 'refused';
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
    treatment: 'approximated',
    reason:
      'ACT is unrolled to a fixed depth (the block stack repeated) and the long-term memory frozen at its learned initial state (folded into the input embedding; dropped in GGUF bitnet)',
  },
  bitnet: {
    name: 'bitnet',
    treatment: 'approximated',
    reason:
      "BitLinear normalises and 8-bit-quantizes every linear layer's input per token: llama.cpp's bitnet graph (GGUF, ternary kept as TQ2_0) expresses most of it; the 🤗 and ONNX Llama get the dequantized weights",
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

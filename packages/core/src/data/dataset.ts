import { z } from 'zod';
import { ForgeError } from '../errors.js';
import { BatchIterator, type BatchIteratorOptions, type BatchPosition } from './batch-iterator.js';
import { formatProblem } from './format.js';
import { generateProblemMix, generateProblems } from './generator/generate-problems.js';
import { loadGsm8k } from './loaders/gsm8k.js';
import { loadPlainText } from './loaders/plain-text.js';
import { loadTextJsonl } from './loaders/text-jsonl.js';
import type { Problem } from './problem.js';
import { splitByHash, type SplitOptions } from './split.js';
import { SPECIAL_IDS } from './tokenizer/special-tokens.js';

/** Validates a data source: `builtin` generated problems (count, seed, difficulty), or a `gsm8k`, `jsonl` or `text` file path. */
export const datasetSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    /** `builtin`: seeded arithmetic word problems from the embedded generator, no file needed. */
    kind: z.literal('builtin'),
    /** How many distinct problems to generate (a positive integer); the preset defaults are 2000/20000/100000. */
    count: z.number().int().positive(),
    /** Generator seed (an integer); a larger `count` with the same seed extends the list without changing its start. */
    seed: z.number().int(),
    /**
     * 1: one operation, small numbers · 2: two steps · 3: three or more · 4–5: larger numbers; at most 5.
     * A list mixes difficulties in equal shares (`builtinDataFor`: 2 at tiny, [1, 2, 3] at small and paper).
     */
    difficulty: z.union([z.number().int().min(1), z.array(z.number().int().min(1)).min(1)]),
  }),
  z.object({
    /** `gsm8k`: GSM8K-style JSONL, one `{"question", "answer"}` record per line, each answer ending in `#### <number>`. */
    kind: z.literal('gsm8k'),
    /** The JSONL file; relative paths resolve against the working directory. */
    path: z.string().min(1),
  }),
  z.object({
    /** `jsonl`: text JSONL, one `{"text": …}` document per line (other fields ignored). */
    kind: z.literal('jsonl'),
    /** The JSONL file; relative paths resolve against the working directory. */
    path: z.string().min(1),
  }),
  z.object({
    /** `text`: a UTF-8 plain-text file, cut into documents at blank lines. */
    kind: z.literal('text'),
    /** The text file; relative paths resolve against the working directory. */
    path: z.string().min(1),
  }),
]);
/** Where a dataset comes from, as `loadDataset` and the `data` settings take it; narrow on `kind`. */
export type DatasetSource = z.infer<typeof datasetSourceSchema>;

/** A math problem (with a known answer to evaluate against) or free text for language modelling. */
export type DataExample =
  | {
      /** `problem`: a question with a known final answer; it trains as "Question: …\nAnswer: …" text. */
      readonly kind: 'problem';
      /** The problem: question, worked answer and final answer. */
      readonly problem: Problem;
    }
  | {
      /** `text`: a free-text document, trained on as is. */
      readonly kind: 'text';
      /** The document's text. */
      readonly text: string;
    };

/** Anything that turns text into ids; the BPE tokenizer is one. */
export interface TokenEncoder {
  /** Token ids of `text`, without adding `<bos>`/`<eos>`. */
  encode(text: string): number[];
}

/** Batch options of `Dataset.batches`; `eosId` is left out because the tokenizer's `<eos>` is always used. */
export type DatasetBatchOptions = Omit<BatchIteratorOptions, 'eosId'>;

/** A loaded dataset: its examples, their training text, splits and batches. */
export class Dataset {
  /** The examples in load order; frozen. */
  readonly examples: readonly DataExample[];

  /** @param name where the data came from, for logs (e.g. 'builtin', a file path). */
  constructor(
    readonly name: string,
    examples: readonly DataExample[],
  ) {
    this.examples = Object.freeze([...examples]);
  }

  /** A dataset of problems; they train as "Question: …\nAnswer: …" text and can be evaluated for accuracy. */
  static fromProblems(name: string, problems: readonly Problem[]): Dataset {
    return new Dataset(
      name,
      problems.map((problem) => ({ kind: 'problem', problem })),
    );
  }

  /** A dataset of free-text documents, trained on as is. */
  static fromTexts(name: string, texts: readonly string[]): Dataset {
    return new Dataset(
      name,
      texts.map((text) => ({ kind: 'text', text })),
    );
  }

  /** Number of examples. */
  get size(): number {
    return this.examples.length;
  }

  /** Training text per example: problems in the "Question: …\nAnswer: …" layout, text as is. */
  texts(): string[] {
    return this.examples.map(exampleText);
  }

  /** The problems among the examples (all of them for builtin and gsm8k sources). */
  problems(): Problem[] {
    return this.examples.flatMap((example) => (example.kind === 'problem' ? [example.problem] : []));
  }

  /** Deterministic train/validation split by hash of each example's training text. */
  split(options: SplitOptions): {
    /** The examples to train on, in load order, named `<name>#train`. */
    train: Dataset;
    /** The held-out examples (round(validationFraction × size), at least one when the fraction is > 0, never all), in load order, named `<name>#validation`. */
    validation: Dataset;
  } {
    const { train, validation } = splitByHash(this.examples, exampleText, options);
    return {
      train: new Dataset(`${this.name}#train`, train),
      validation: new Dataset(`${this.name}#validation`, validation),
    };
  }

  /** Token ids per example. Reserved tokens are not matched: data text cannot inject `<eos>`. */
  tokenize(tokenizer: TokenEncoder): Int32Array[] {
    return this.examples.map((example) => Int32Array.from(tokenizer.encode(exampleText(example))));
  }

  /** Packed, shuffled `[batchSize, contextLength + 1]` batches, separated by `<eos>`. */
  batches(tokenizer: TokenEncoder, options: DatasetBatchOptions, position?: BatchPosition): BatchIterator {
    return new BatchIterator(this.tokenize(tokenizer), { ...options, eosId: SPECIAL_IDS.eos }, position);
  }
}

function exampleText(example: DataExample): string {
  return example.kind === 'problem' ? formatProblem(example.problem).text : example.text;
}

function builtinProblems(source: Extract<DatasetSource, { kind: 'builtin' }>): Problem[] {
  const { count, seed, difficulty } = source;
  return typeof difficulty === 'number'
    ? generateProblems({ count, seed, difficulty })
    : generateProblemMix({ count, seed, difficulties: difficulty });
}

/** Load a dataset from a validated `DatasetSource`; a bad source or file is a ForgeError naming the field or line. */
export async function loadDataset(source: DatasetSource): Promise<Dataset> {
  const parsed = datasetSourceSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ForgeError(`invalid data source: ${issue?.message ?? 'unknown problem'}`, {
      field: issue?.path.length ? issue.path.map(String).join('.') : undefined,
    });
  }
  const valid = parsed.data;
  switch (valid.kind) {
    case 'builtin':
      return Dataset.fromProblems('builtin', builtinProblems(valid));
    case 'gsm8k':
      return Dataset.fromProblems(valid.path, await loadGsm8k(valid.path));
    case 'jsonl':
      return Dataset.fromTexts(valid.path, await loadTextJsonl(valid.path));
    case 'text':
      return Dataset.fromTexts(valid.path, await loadPlainText(valid.path));
  }
}

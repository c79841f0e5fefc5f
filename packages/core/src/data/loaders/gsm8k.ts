import { z } from 'zod';
import { ForgeError } from '../../errors.js';
import { extractFinalAnswer, type Problem } from '../problem.js';
import { parseJsonl } from './jsonl.js';
import { readDataFile } from './read-source.js';

const gsm8kRecordSchema = z.object({
  question: z.string({ error: 'expected a string' }).min(1, 'must not be empty'),
  answer: z.string({ error: 'expected a string' }).min(1, 'must not be empty'),
});

/** Parses GSM8K JSONL text (`{"question","answer"}` per line, answer ending in `#### N`). */
export function parseGsm8k(text: string, file: string): Problem[] {
  return parseJsonl(text, file, gsm8kRecordSchema).map(({ line, value }) => {
    const finalAnswer = extractFinalAnswer(value.answer);
    if (finalAnswer === undefined) {
      throw new ForgeError("answer has no final '#### <number>' line", { file, line, field: 'answer' });
    }
    return { question: value.question, answer: value.answer, finalAnswer };
  });
}

/** Read a GSM8K JSONL file (`{"question","answer"}` per line); a bad line is a ForgeError with its line number. */
export async function loadGsm8k(file: string): Promise<Problem[]> {
  return parseGsm8k(await readDataFile(file), file);
}

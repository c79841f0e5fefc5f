import { describe, expect, it } from 'vitest';
import { SerialQueue, TextStream, chatPrompt } from '../src/index.js';
import { microTokenizer } from './helpers.js';

describe('TextStream', () => {
  it('emits the decoded text piece by piece, holding back a split multi-byte character', () => {
    const tokenizer = microTokenizer();
    const ids = tokenizer.encode('Answer: 3 € and 5 apples');
    const stream = new TextStream(tokenizer);
    const pieces = ids.map((id) => stream.push(id));
    expect(pieces.join('') + stream.flush()).toBe('Answer: 3 € and 5 apples');
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
  });

  it('ends the text before a stop string, even one spread over several tokens', () => {
    const tokenizer = microTokenizer();
    const stream = new TextStream(tokenizer, ['\nQuestion:']);
    let text = '';
    for (const id of tokenizer.encode(' 3 + 2 = 5\n#### 5\nQuestion: next')) {
      text += stream.push(id);
      if (stream.stopped) break;
    }
    expect(stream.stopped).toBe(true);
    expect(text).toBe(' 3 + 2 = 5\n#### 5');
    expect(stream.text).toBe(text);
  });

  it('hides end-of-sequence ids', () => {
    const tokenizer = microTokenizer();
    const stream = new TextStream(tokenizer, [], new Set([2]));
    expect([...tokenizer.encode('ok'), 2].map((id) => stream.push(id)).join('') + stream.flush()).toBe('ok');
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time in arrival order, a failure not blocking the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          log.push(`start ${name}`);
          setTimeout(() => {
            log.push(`end ${name}`);
            if (fail) reject(new Error(name));
            else resolve(name);
          }, ms);
        });
    const results = await Promise.allSettled([
      queue.run(job('a', 20)),
      queue.run(job('b', 5, true)),
      queue.run(job('c', 1)),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(queue.pending).toBe(0);
  });
});

describe('chatPrompt', () => {
  it('lays a chat out in the Question/Answer training format, open for the answer', () => {
    expect(
      chatPrompt([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: '2+2?' },
        { role: 'assistant', content: '4' },
        { role: 'user', content: 'and 3+3?' },
      ]),
    ).toBe('Be brief.\nQuestion: 2+2?\nAnswer: 4\nQuestion: and 3+3?\nAnswer:');
  });
});

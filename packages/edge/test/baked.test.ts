import { rmSync } from 'node:fs';
import path from 'node:path';
import { useBackend } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeEngine, loadBakedEdgeModel, serveModel, type EdgeModel } from '../src/index.js';
import { saveBakedDir, tempDir } from './helpers.js';

let dir: string;
let baked: EdgeModel;

beforeAll(async () => {
  await useBackend('cpu');
  dir = path.join(tempDir('baked'), 'baked');
  await saveBakedDir(dir);
  baked = await loadBakedEdgeModel(dir);
});
afterAll(() => {
  baked.dispose();
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('baked models (personas)', () => {
  it('switches personas per request and serves them as model:persona ids', async () => {
    expect(baked.kind).toBe('baked');
    expect(baked.personas).toEqual(['terse']);
    const engine = new EdgeEngine(baked);
    const ask = (persona: string | null) =>
      engine.complete({ prompt: 'Question: 6 * 7?\nAnswer:', maxTokens: 10, persona });
    const [base, persona, baseAgain] = [await ask(null), await ask('terse'), await ask(null)];
    expect(persona.text).not.toBe(base.text);
    expect(baseAgain.text).toBe(base.text);
    await expect(ask('pirate')).rejects.toThrow(/unknown persona 'pirate'/);

    const running = await serveModel(engine, { port: 0 });
    try {
      const models = (await (await fetch(`${running.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(['baked', 'baked:terse']);
      const post = (model: string) =>
        fetch(`${running.url}/v1/completions`, {
          method: 'POST',
          body: JSON.stringify({ model, prompt: 'Question: 6 * 7?\nAnswer:', max_tokens: 10 }),
        });
      const viaHttp = (await (await post('baked:terse')).json()) as { choices: Array<{ text: string }> };
      expect(viaHttp.choices[0]?.text).toBe(persona.text);
      expect((await post('baked:pirate')).status).toBe(404);
    } finally {
      await running.close();
    }
  });
});

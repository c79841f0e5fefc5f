import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { MODEL_EXTENSIONS, findModelExtension, registerModelExtension } from '../../src/model/index.js';
import { Registry, type RegistryEntry } from '../../src/registry/index.js';

interface Greeter extends RegistryEntry {
  greet(who: string): string;
}

const hello: Greeter = {
  name: 'hello',
  displayName: 'Hello',
  referenceUrl: 'https://example.org/hello',
  greet: (who) => `hello ${who}`,
};

function greeters(): Registry<Greeter> {
  return new Registry<Greeter>({ kind: 'greeter', field: 'greeting', entries: [hello] });
}

describe('Registry', () => {
  it('takes entries registered from outside, in order, and replaces one registered again in place', () => {
    const registry = greeters();
    const hi = registry.register({ ...hello, name: 'hi', displayName: 'Hi', greet: (who) => `hi ${who}` });
    expect(registry.names()).toEqual(['hello', 'hi']);
    expect(registry.get('hi')).toBe(hi);
    expect(registry.get('hi').greet('you')).toBe('hi you');
    const loud = { ...hello, greet: (who: string) => `HELLO ${who}` };
    registry.register(loud);
    expect(registry.names()).toEqual(['hello', 'hi']);
    expect(registry.get('hello')).toBe(loud);
    expect(registry.size).toBe(2);
    expect([...registry].map((entry) => entry.name)).toEqual(['hello', 'hi']);
    expect(registry.find('nope')).toBeUndefined();
    expect(registry.has('hi')).toBe(true);
  });

  it('names the known entries and the field when a name is unknown', () => {
    const registry = greeters();
    registry.register({ ...hello, name: 'hi' });
    let caught: unknown;
    try {
      registry.get('howdy');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForgeError);
    expect((caught as ForgeError).field).toBe('greeting');
    expect((caught as ForgeError).message).toMatch(/unknown greeter 'howdy' \(known: hello, hi\)/);
  });

  it.each([
    [{ name: '' }, /needs a non-empty name/],
    [{ displayName: ' ' }, /greeter 'hello' needs a display name/],
    [{ referenceUrl: 'arXiv:2403.13257' }, /needs an http\(s\) reference URL, got 'arXiv:2403.13257'/],
    [{ referenceUrl: undefined }, /needs an http\(s\) reference URL/],
  ])('refuses an entry without a name, display name or reference URL (%o)', (change, message) => {
    const registry = greeters();
    expect(() => registry.register({ ...hello, ...change } as Greeter)).toThrow(message);
    expect(registry.names()).toEqual(['hello']);
  });
});

describe('the model-extension registry', () => {
  it('is a Registry: registerModelExtension adds from outside, every entry has a name and a reference', () => {
    registerModelExtension({
      name: 'registry-test',
      displayName: 'Registry test',
      referenceUrl: 'https://example.org/registry-test',
      order: 0,
      packageName: 'test',
      plan: (plan) => plan,
    });
    expect(findModelExtension('registry-test')?.displayName).toBe('Registry test');
    expect(MODEL_EXTENSIONS.names()).toContain('titan');
    for (const extension of MODEL_EXTENSIONS) {
      expect(extension.name, extension.name).toMatch(/\S/);
      expect(extension.displayName, extension.name).toMatch(/\S/);
      expect(new URL(extension.referenceUrl).protocol, extension.name).toMatch(/^https?:$/);
    }
    expect(() => MODEL_EXTENSIONS.get('nope')).toThrow(/unknown model extension 'nope' \(known: .*titan.*\)/);
  });
});

/**
 * `Registry<T>`: the one shape every family of methods uses (merge methods, compressors, gradient
 * filters, export formats, model extensions). An entry carries its own name and what it follows — a
 * display name and a reference URL, as mergekit's method registry keeps `pretty_name` and
 * `reference_url` — so a listing, a report or an error can cite it. Packages register their built-ins
 * when imported; anyone may register more from outside with `register`.
 */
import { ForgeError } from '../errors.js';

/** What every registry entry carries. */
export interface RegistryEntry {
  /** Its key in the registry, as configs and files spell it (e.g. `ties`, `seedlm`). */
  readonly name: string;
  /** Human-readable name for listings and reports (e.g. `TIES`, `SeedLM`). */
  readonly displayName: string;
  /** URL of the paper, specification or reference implementation the entry follows. */
  readonly referenceUrl: string;
}

/** How a registry names itself in errors. */
export interface RegistryOptions<T> {
  /** What one entry is, in messages: `merge method`, `compression method`… */
  readonly kind: string;
  /** The config field an unknown name is reported on (e.g. `merge_method`). */
  readonly field: string;
  /** Entries registered at once, in order. */
  readonly entries?: Iterable<T>;
}

/**
 * Entries by name, in registration order. Registering a name again replaces the entry in place (a
 * package may swap a built-in for its own); an entry without a name, display name or an http(s)
 * reference URL is refused.
 */
export class Registry<T extends RegistryEntry> implements Iterable<T> {
  /** What one entry is, in messages. */
  readonly kind: string;
  /** The config field unknown names are reported on. */
  readonly field: string;
  private readonly entries = new Map<string, T>();

  constructor(options: RegistryOptions<T>) {
    this.kind = options.kind;
    this.field = options.field;
    for (const entry of options.entries ?? []) this.register(entry);
  }

  /** Adds `entry` under its name (replacing one of the same name) and returns it. */
  register<E extends T>(entry: E): E {
    assertEntry(entry, this.kind);
    this.entries.set(entry.name, entry);
    return entry;
  }

  /** The entry called `name`; an unknown name is a ForgeError on `field` listing the known names. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new ForgeError(`unknown ${this.kind} '${name}' (known: ${this.names().join(', ') || 'none'})`, {
        field: this.field,
      });
    }
    return entry;
  }

  /** The entry called `name`, or undefined. */
  find(name: string): T | undefined {
    return this.entries.get(name);
  }

  /** Whether an entry is registered as `name`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Registered entries, in registration order. */
  values(): T[] {
    return [...this.entries.values()];
  }

  /** How many entries are registered. */
  get size(): number {
    return this.entries.size;
  }

  /** The entries, in registration order. */
  [Symbol.iterator](): Iterator<T> {
    return this.entries.values();
  }
}

function assertEntry(entry: RegistryEntry, kind: string): void {
  const label = `${kind} '${String(entry.name)}'`;
  if (typeof entry.name !== 'string' || entry.name.trim() === '')
    throw new ForgeError(`a ${kind} needs a non-empty name`, { field: 'name' });
  if (typeof entry.displayName !== 'string' || entry.displayName.trim() === '')
    throw new ForgeError(`${label} needs a display name`, { field: 'displayName' });
  if (!isHttpUrl(entry.referenceUrl))
    throw new ForgeError(`${label} needs an http(s) reference URL, got '${String(entry.referenceUrl)}'`, {
      field: 'referenceUrl',
    });
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

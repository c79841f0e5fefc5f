import type { z } from 'zod';
import { ForgeError } from '../errors.js';

/**
 * Validate `value` against `schema`, turning zod's issues into one ForgeError that names the
 * field (`prefix.path.to.field`) and, when given, the file it came from.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { prefix?: string; file?: string } = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  // An unknown key is named as the field itself (zod reports it at the object holding it).
  const unknownKey = first?.code === 'unrecognized_keys' ? first.keys.slice(0, 1) : [];
  const field = joinPath(options.prefix, [...(first?.path ?? []), ...unknownKey]);
  const others =
    issues.length > 1
      ? ` (and ${issues.length - 1} more: ${issues
          .slice(1, 4)
          .map((i) => joinPath(options.prefix, i.path) || '<root>')
          .join(', ')})`
      : '';
  // zod words type errors as "Invalid input: expected number, received string"; the prefix adds nothing.
  const message = (first?.message ?? 'invalid value').replace(/^Invalid input: /, '');
  throw new ForgeError(`${message}${others}`, {
    field: field || undefined,
    file: options.file,
  });
}

function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  const joined = parts.reduce((acc, part) => (part.startsWith('[') || acc === '' ? acc + part : `${acc}.${part}`), '');
  if (!prefix) return joined;
  if (!joined) return prefix;
  return joined.startsWith('[') ? prefix + joined : `${prefix}.${joined}`;
}

/**
 * GPT-2's printable alias for every byte: printable Latin-1 bytes stand for themselves, the rest
 * map to code points from U+0100 up. Token strings built from it are readable in tokenizer.json
 * and in debugging (a leading space shows as "Ġ"), and are unique per byte sequence.
 */
function buildByteAliases(): string[] {
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const aliases: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    aliases.push(String.fromCodePoint(printable(b) ? b : next++));
  }
  return aliases;
}

export const BYTE_ALIASES: readonly string[] = Object.freeze(buildByteAliases());

export function bytesToAlias(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_ALIASES[bytes[i] as number];
  return out;
}

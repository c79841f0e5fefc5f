// The documentation ratchet. typedoc.json runs TypeDoc with `validation.notDocumented` and
// `treatWarningsAsErrors`, so every exported symbol of every package must have a comment, except the
// ones listed in tooling/typedoc-undocumented.json (`intentionallyNotDocumented`): what was
// undocumented when the gate was switched on. The list can only shrink: a new undocumented export
// fails the docs build, and so does a listed name that has since been documented or removed
// (TypeDoc warns about unused entries).
//
//   node tooling/typedoc-undocumented.mjs           rewrite the list from what TypeDoc reports now
//   node tooling/typedoc-undocumented.mjs --stats   print how many names are left, per package
//
// Document a symbol, run this, and commit the shorter list. Needs the packages built (`pnpm build`).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const listFile = path.join(root, 'tooling', 'typedoc-undocumented.json');

function countByPackage(names) {
  const counts = new Map();
  for (const name of names) {
    const pkg = name.split('.')[0];
    counts.set(pkg, (counts.get(pkg) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

if (process.argv.includes('--stats')) {
  const { intentionallyNotDocumented: names } = JSON.parse(readFileSync(listFile, 'utf8'));
  console.log(`${names.length} exported names without documentation`);
  for (const [pkg, count] of countByPackage(names)) console.log(`  ${pkg}: ${count}`);
  process.exit(0);
}

// An empty-but-set list (one impossible name) replaces the file's list for this run. TypeDoc's output
// goes to a file: through a pipe, what it logs just before it exits would be lost.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'typedoc-undocumented-'));
const logFile = path.join(tmp, 'typedoc.log');
const fd = openSync(logFile, 'w');
spawnSync(
  'npx',
  ['typedoc', '--emit', 'none', '--logLevel', 'Warn', '--treatWarningsAsErrors', 'false', '--intentionallyNotDocumented', '(none)'],
  { cwd: root, stdio: ['ignore', fd, fd] },
);
closeSync(fd);
const output = readFileSync(logFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
rmSync(tmp, { recursive: true, force: true });
const pattern = /^\[warning\] (\S+) \(\w+\), defined in .*, does not have any documentation$/;
const names = [...new Set(output.split('\n').map((line) => pattern.exec(line.trim())?.[1]).filter(Boolean))].sort();
const other = output.split('\n').filter((line) => line.startsWith('[warning]') && !pattern.test(line.trim())
  && !line.includes('marked as intentionally not documented') && !/Found \d+ errors and \d+ warnings/.test(line));
writeFileSync(listFile, `${JSON.stringify({ intentionallyNotDocumented: names }, null, 2)}\n`);
console.log(`${names.length} undocumented names written to ${path.relative(root, listFile)}`);
for (const [pkg, count] of countByPackage(names)) console.log(`  ${pkg}: ${count}`);
if (other.length > 0) {
  console.log(`\nother TypeDoc warnings (not listable; fix them):\n${other.join('\n')}`);
  process.exitCode = 1;
}

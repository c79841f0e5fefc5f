import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Every phase package, in pipeline order. */
export const PHASES = ['cognate', 'evomerge', 'quietstar', 'bitnet', 'forge-train', 'baking', 'edge', 'compression'];

/**
 * Phase → phase imports allowed: none. Every phase depends on core alone; what two phases share (the
 * ternary format, LoRA adapters) lives in core, and the CLI composes phases.
 * @type {Readonly<Record<string, readonly string[]>>}
 */
export const ALLOWED_PHASE_IMPORTS = {};

/** Leaf packages below core: they import no @agent-forge package (core loads them). */
export const BELOW_CORE = ['native-kernels'];

/**
 * Which @agent-forge packages a package may not import: dependencies point cli → phases → core →
 * native-kernels.
 * @param {string} packageName e.g. '@agent-forge/bitnet'
 * @returns {string[]}
 */
export function forbiddenImports(packageName) {
  const short = packageName.replace('@agent-forge/', '');
  if (short === 'cli') return [];
  const phases = PHASES.map((p) => `@agent-forge/${p}`);
  if (short === 'core') return [...phases, '@agent-forge/cli'];
  if (BELOW_CORE.includes(short)) return [...phases, '@agent-forge/core', '@agent-forge/cli'];
  const allowed = new Set((ALLOWED_PHASE_IMPORTS[short] ?? []).map((p) => `@agent-forge/${p}`));
  return [...phases.filter((p) => p !== packageName && !allowed.has(p)), '@agent-forge/cli'];
}

/**
 * @param {{ packageName: string, tsconfigRootDir: string }} options
 */
export function forgeEslint({ packageName, tsconfigRootDir }) {
  const forbidden = forbiddenImports(packageName);
  const restricted = forbidden.flatMap((name) => [name, `${name}/*`]);
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      files: ['**/*.ts'],
      languageOptions: {
        globals: globals.node,
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-explicit-any': 'error',
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/await-thenable': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
        'no-restricted-imports': [
          'error',
          {
            patterns: restricted.length
              ? [
                  {
                    group: restricted,
                    message:
                      'Dependencies point cli → phases → core: a phase never imports another phase (docs/architecture.md §1).',
                  },
                ]
              : [],
          },
        ],
        'no-restricted-syntax': [
          'error',
          {
            selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
            message: 'Every random choice takes a seed: use the core rng.',
          },
        ],
      },
    },
    {
      // describe() bodies are long by nature; the 60-line rule is for product code.
      files: ['test/**/*.ts'],
      rules: { 'max-lines-per-function': 'off' },
    },
    {
      files: ['**/*.js', '**/*.mjs'],
      ...tseslint.configs.disableTypeChecked,
      languageOptions: { globals: globals.node },
    },
  );
}

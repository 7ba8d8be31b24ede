// Lint: type-aware typescript-eslint rules that catch real bugs, import cycles; Prettier formats.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first (README "Layers"). A folder may import from its own folder and
 * from folders of lower layers only: never sideways within its layer, never upward. app.ts,
 * app.module.ts and main.ts sit above all layers; test/, bench/ and scripts/ may import anything.
 */
const LAYERS = [
  ['common'],
  ['config'],
  ['database', 'kubernetes'],
  ['metrics'],
  ['platform-config'],
  ['quotas'],
  ['users'],
  ['auth'],
  ['templates', 'nodes', 'cluster'],
  ['catalog', 'workloads'],
  ['applications'],
  ['sessions'],
  ['activity'],
  ['connections', 'sharing'],
  ['websocket', 'dashboard', 'health'],
];
const layerZones = LAYERS.flatMap((layer, index) =>
  layer.map((folder) => ({
    target: `./src/${folder}`,
    from: LAYERS.slice(index)
      .flat()
      .filter((other) => other !== folder)
      .map((other) => `./src/${other}`),
    message: `src/${folder} is in layer ${index + 1} and may only import from lower layers (README "Layers").`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Sources import './x.js' and the file is x.ts (NodeNext): resolve that without another plugin.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A `default:` branch is a deliberate answer for every other value.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `let` is right for a variable a callback reads before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Cycles and layers only concern the server's own modules (the walk over test files is the slow part).
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
  {
    // Response bodies of supertest and parsed JSON are `any` by design in tests; fakes are async
    // without awaiting because the interface they stand in for returns promises.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);

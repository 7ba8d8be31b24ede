// Native ESM: run with --experimental-vm-modules (see the npm scripts). swc transpiles and keeps
// decorator metadata; `tsc --noEmit` does the type checking separately.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // Nest's console logger stays quiet in tests; failures speak through assertions.
  setupFiles: ['<rootDir>/test/setup/quiet-logger.ts'],
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      // Real API servers and databases: hooks start clusters and apps (testTimeout is global-only).
      setupFilesAfterEnv: ['<rootDir>/test/setup/integration-timeout.ts'],
      // Each file in a namespace of its own (NAMESPACE), deleted when the file is done.
      testEnvironment: '<rootDir>/test/setup/namespace-environment.ts',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

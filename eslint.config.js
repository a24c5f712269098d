// One lint setup for the workspace. Type-aware rules catch the classic async bug
// (a promise nobody awaits in a handler) and deep imports into another package's src.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DEEP_IMPORTS = { group: ['@junction/*/src/*', '@junction/*/src'], message: 'Import the package entry point, not its files.' };
const KAFKA_CLIENTS = ['kafkajs', '@confluentinc/kafka-javascript'].map((name) => ({
  name,
  message: 'Kafka clients are used through @junction/kafka (the Kafka port), which owns client set-up, transactions and the header contract.',
}));

// Files that still import kafkajs directly, until they move onto @junction/kafka's librdkafka client.
// Each entry says why it is still here; the list only shrinks.
const NOT_YET_ON_THE_PORT = [
  // the engine: runner, partition work and completed keys run on kafkajs's transactional producer
  // (one per source partition) until the KIP-447 runner replaces them
  'libs/pipeline/src/runner.ts',
  'libs/pipeline/src/partition-work.ts',
  'libs/pipeline/src/completed-keys.ts',
  'libs/pipeline/src/*.integration.test.ts',
  // DLQ tools and the replay ledger: kafkajs producers/consumers (readers, transactional replay)
  'libs/dlq/src/**',
  'services/dlq-api/src/dlq-api.integration.test.ts',
  // test harnesses that write and read topics with kafkajs's own types (payloads, headers)
  'libs/testing/src/**',
  'test/**',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.local/**', '**/dist/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: KAFKA_CLIENTS, patterns: [DEEP_IMPORTS] }],
    },
  },
  // libs/kafka is the one Kafka port: the only package that imports a Kafka client.
  {
    files: ['libs/kafka/**', ...NOT_YET_ON_THE_PORT],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_IMPORTS] }] },
  },
);

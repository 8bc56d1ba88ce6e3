import { defineConfig } from 'vitest/config';

export default defineConfig({
  // lib/ is compiled in place by jsii: prefer the TypeScript sources over possibly stale .js.
  resolve: { extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.jsx', '.json'] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

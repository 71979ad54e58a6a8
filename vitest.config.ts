import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.isogate/**', 'dist/**'],
    globalSetup: ['test/build-dist.global.ts'],
    // isolated-vm needs its own process per test file and --no-node-snapshot on Node 20+.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})

import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url))

/**
 * The vitest configuration `isogate plugin test DIR` runs a plugin folder's tests with (`--root
 * DIR`): `isogate/sdk` and `isogate/sdk/testing` resolve to this repository's files, so a plugin
 * folder anywhere (no `isogate` package installed next to it) can import them.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^isogate\/sdk\/testing$/, replacement: repo('sdk/testing/index.ts') },
      { find: /^isogate\/sdk$/, replacement: repo('sdk/index.ts') },
    ],
  },
  // vitest's own cache lives with this repository's, not in the plugin folder.
  cacheDir: repo('node_modules/.vite/isogate-plugin-test'),
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // isolated-vm needs its own process per test file and --no-node-snapshot on Node 20+.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})

/**
 * vitest's global setup: brings dist/ up to date with the sources before any test file runs, so
 * the tests that start `isogate` as a user does (bin/isogate.js runs the compiled tree) test the
 * code under test. About a second; files that did not change are not rewritten.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))
  execFileSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] })
}

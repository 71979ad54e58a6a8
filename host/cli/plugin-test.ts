import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { packageFile } from '../../runtime/package-files.ts'
import { UserError } from '../errors/index.ts'

const CONFIG = packageFile('host/cli/plugin-vitest.config.ts')

/** vitest's command-line entry, from this repository's node_modules. */
function vitestBin(): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('vitest/package.json')
  const { bin } = require(manifest) as { bin: Record<string, string> }
  return join(dirname(manifest), bin.vitest ?? 'vitest.mjs')
}

/**
 * Runs the plugin folder's `*.test.ts` with vitest, rooted at the folder (so it works anywhere)
 * with isogate's plugin test configuration; resolves with vitest's exit code.
 */
export async function testPlugin(dir: string): Promise<number> {
  const folder = resolve(dir)
  if (!(await stat(folder).catch(() => null))?.isDirectory()) {
    throw new UserError('PLUGIN_NOT_FOUND', `no plugin folder at ${folder}`)
  }
  const child = spawn(process.execPath, [vitestBin(), 'run', folder, '--root', folder, '--config', CONFIG], {
    stdio: 'inherit',
  })
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail)
      child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)))
    })
  } finally {
    process.off('SIGINT', forward)
    process.off('SIGTERM', forward)
  }
}

#!/usr/bin/env node
// The `isogate` command. isolated-vm needs --no-node-snapshot on Node 20+, and the sources are
// TypeScript run through tsx, so the launcher re-executes node once with both and forwards signals.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const main = fileURLToPath(new URL('../host/cli/main.ts', import.meta.url))
const tsx = import.meta.resolve('tsx')

const child = spawn(
  process.execPath,
  ['--no-node-snapshot', '--import', tsx, main, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1)
})

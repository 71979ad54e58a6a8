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
    // isolated-vm allocates from several threads, and glibc's default of one malloc arena per
    // thread (up to 8 per core) leaves their freed memory scattered: a worker with 1,000
    // workspace isolates held ~300 MB less with 2 arenas, at the same throughput (bench/README.md).
    // An operator's own setting wins; workers inherit it from the supervisor.
    env: { MALLOC_ARENA_MAX: '2', ...process.env },
  },
)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1)
})

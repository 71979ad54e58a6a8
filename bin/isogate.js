#!/usr/bin/env -S node --no-node-snapshot --enable-source-maps
// The `isogate` command: the compiled CLI in dist/ (built by `npm install`, `npm run build`).
// isolated-vm needs --no-node-snapshot on Node 20+; the line above passes it. Started some other
// way (`node bin/isogate.js`), the command runs itself once more with it.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// `isogate --version` answers before the gateway's code is loaded (that takes ~0.4 s).
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.version}\n`)
  process.exit(0)
}

const main = fileURLToPath(new URL('../dist/isogate.js', import.meta.url))
if (!existsSync(main)) {
  console.error('Error: isogate is not built (no dist/isogate.js): run `npm run build` in its folder')
  process.exit(1)
}
// isolated-vm allocates from several threads, and glibc's default of one malloc arena per thread
// (up to 8 per core) leaves their freed memory scattered: a worker with 1,000 workspace isolates
// held ~300 MB less with 2 arenas, at the same throughput (bench/README.md). glibc reads it at
// process start, so it reaches the workers and the plugin host; an operator's own setting wins.
process.env.MALLOC_ARENA_MAX ??= '2'

if (process.execArgv.includes('--no-node-snapshot')) {
  await import(main)
} else {
  const args = ['--no-node-snapshot', '--enable-source-maps', main, ...process.argv.slice(2)]
  const child = spawn(process.execPath, args, { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'])
    process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1)
  })
}

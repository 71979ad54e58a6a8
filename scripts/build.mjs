#!/usr/bin/env node
/**
 * The compiled tree the `isogate` command, its proxy workers, the plugin host and `npm start` run:
 * one esbuild bundle per process in `dist/` (pure-JavaScript dependencies bundled in, native ones
 * left in node_modules; source maps beside them, read with --enable-source-maps), then
 * `dist/prebuild.js` makes the prelude and the bundled plugins' bundles ahead of time. Plain
 * JavaScript, so it runs before anything is built.
 *
 *     node scripts/build.mjs [--clean]
 *
 * Each file is written to a temporary name and renamed, and only when it changed: processes
 * starting while the tree is rebuilt (vitest's global setup, a second build) read whole files.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'dist')

/** One bundle per process the package starts: `dist/<name>.js`. */
const ENTRIES = {
  isogate: 'host/cli/main.ts',
  worker: 'host/gateway/worker-main.ts',
  'plugin-host': 'host/plugin-host/host-main.ts',
  quickstart: 'examples/quickstart/run.ts',
  prebuild: 'host/gateway/prebuild-main.ts',
}

/** Packages loaded from node_modules at run time rather than bundled. */
const EXTERNAL = ['isolated-vm', 'better-sqlite3', 'esbuild', 'vitest', 'tsx']

export async function buildDist({ clean = false } = {}) {
  const started = performance.now()
  if (clean) rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JavaScript dependencies are bundled in: resolving and reading their hundreds of files
    // took ~0.5 s of every process start. Native ones, and esbuild (it finds its binary from its
    // own package), stay in node_modules.
    external: EXTERNAL,
    // Bundled CommonJS packages require node's built-ins; ESM output has no `require` of its own.
    banner: {
      js: "import { createRequire as __isogateRequire } from 'node:module';\nconst require = __isogateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    // Stack traces need the mappings only; kept in memory by --enable-source-maps, sources would cost MBs per process.
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  })
  let written = 0
  for (const file of result.outputFiles) {
    if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue
    const temporary = `${file.path}.${process.pid}.tmp`
    writeFileSync(temporary, file.contents)
    renameSync(temporary, file.path)
    written++
  }
  return { files: result.outputFiles.length, written, ms: Math.round(performance.now() - started) }
}

/**
 * Runs dist/prebuild.js (host/gateway/prebuild-main.ts): the prelude and the bundled plugins'
 * bundles and metadata, made now rather than at every node start. Quick when nothing changed.
 */
export function prebuild() {
  const run = spawnSync(process.execPath, ['--no-node-snapshot', join(out, 'prebuild.js')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (run.status !== 0) throw new Error(`isogate: dist/prebuild.js failed (exit ${run.status ?? run.signal})`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, written, ms } = await buildDist({ clean: process.argv.includes('--clean') })
  console.log(`isogate: built dist/ (${files} files, ${written} written) in ${ms} ms`)
  prebuild()
}

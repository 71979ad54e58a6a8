import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

// The harness must not rot: run it end to end with tiny durations. No timing assertions.
it('npm run bench -- --tiny measures every contender and writes its report', async () => {
  const out = mkdtempSync(join(tmpdir(), 'isogate-bench-out-'))
  try {
    const run = fileURLToPath(new URL('./run.ts', import.meta.url))
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', run, '--tiny'], {
      env: { ...process.env, BENCH_OUT_DIR: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('| isogate, no plugins |')
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'))
    expect(report.summary.map((s: { name: string }) => s.name)).toEqual([
      'upstream alone',
      'bare undici proxy',
      'isogate, no plugins',
      'isogate, key-auth (warm cache)',
      'isogate, 5 plugins (isolation=plugin)',
      'isogate, 5 plugins (isolation=workspace)',
    ])
    for (const row of report.summary) {
      expect(row.rps).toBeGreaterThan(0)
      expect(row.errors).toBe(0)
    }
    // Every request of the key-auth contender carried a valid key: `errors` counts non-2xx answers too.
    for (const row of report.summary.slice(3)) {
      expect(row.phaseCalls.count).toBeGreaterThan(0)
      expect(row.phaseCalls.p50).toBeGreaterThan(0)
      expect(row.phaseCalls.p99).toBeGreaterThanOrEqual(row.phaseCalls.p50)
    }
    for (const row of report.summary.slice(4)) {
      expect(Object.keys(row.coldStart).sort()).toEqual(['configureMs', 'firstMs', 'secondMs', 'warmMs'])
    }
    const markdown = readFileSync(join(out, 'latest.md'), 'utf8')
    expect(markdown).toContain('| isogate, 5 plugins (isolation=plugin) |')
    expect(markdown).toContain('vs no plugins')
    expect(markdown).toContain('Cold start')
    expect(markdown).toContain('vs bare proxy')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 180_000)

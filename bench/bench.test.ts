import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it, onTestFinished } from 'vitest'

// The harness must not rot: run it end to end with tiny durations. No timing assertions.
it('npm run bench -- --tiny measures every contender and writes its report', async () => {
  const out = mkdtempSync(join(tmpdir(), 'isogate-bench-out-'))
  try {
    const run = fileURLToPath(new URL('./run.ts', import.meta.url))
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', run, '--tiny'], {
      env: { ...process.env, BENCH_OUT_DIR: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // Should the test give up first, the run stops what it started (its SIGTERM handler).
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
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
    expect(stderr).toMatch(/^\[1\/\d+\] round 1\/1: upstream alone \.\.\. \d+ req\/s$/m)
    expect(stderr).toMatch(
      /^\[\d+\/\d+\] 200 req\/s: isogate, no plugins \.\.\. \d+ req\/s, p50 [\d.]+ ms, p99 [\d.]+ ms, [\d.]+ µs CPU\/req$/m,
    )
    expect(stdout).toContain('| isogate, no plugins |')
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'))
    // nginx runs where it is installed; elsewhere the run and the report say it was skipped.
    const nginx: string | null = report.machine.nginx
    if (nginx === null) expect(stderr).toContain('nginx is not on the PATH: skipped')
    expect(report.summary.map((s: { name: string }) => s.name)).toEqual([
      'upstream alone',
      'bare undici proxy',
      ...(nginx === null ? [] : ['nginx reverse proxy']),
      'isogate, no plugins',
      'isogate, key-auth (warm cache)',
      'isogate, 5 plugins (isolation=plugin)',
      'isogate, 5 plugins (isolation=workspace)',
      'isogate, 5 plugins in-process (no isolation)',
      'Kong-style plugin server (kong-pdk), 5 plugins',
    ])
    for (const row of report.summary) {
      expect(row.rps).toBeGreaterThan(0)
      expect(row.errors).toBe(0)
      expect(row.fixed.target).toBe(200)
      expect(row.fixed.rps).toBeGreaterThan(0)
      expect(row.fixed.errors).toBe(0)
      expect(typeof row.fixed.kept).toBe('boolean')
      expect(row.fixed.p99).toBeGreaterThanOrEqual(row.fixed.p50)
      expect(row.fixed.max).toBeGreaterThanOrEqual(row.fixed.p99)
      // Issue 12's primary figure, for every contender: CPU µs per request at the fixed rate.
      expect(typeof row.fixed.cpuUsPerRequest).toBe('number')
      expect(row.fixed.cpuUsPerRequest).toBeGreaterThan(0)
      expect(typeof row.fixed.cpuOf).toBe('string')
    }
    // isogate's figure is its proxy worker's, not the launcher's or the supervisor's; the
    // in-process contender is one process.
    const cpuOf = Object.fromEntries(
      report.summary.map((s: { name: string; fixed: { cpuOf: string } }) => [s.name, s.fixed.cpuOf]),
    )
    expect(cpuOf).toMatchObject({
      'isogate, no plugins': 'worker',
      'isogate, key-auth (warm cache)': 'worker',
      'isogate, 5 plugins (isolation=plugin)': 'worker',
      'isogate, 5 plugins (isolation=workspace)': 'worker',
      'isogate, 5 plugins in-process (no isolation)': 'its process',
      'Kong-style plugin server (kong-pdk), 5 plugins': 'proxy + plugin server',
    })
    // Every request of the key-auth contender carried a valid key: `errors` counts non-2xx answers too.
    const plugins = report.summary.filter(
      (s: { name: string }) => s.name.startsWith('isogate, ') && s.name !== 'isogate, no plugins',
    )
    for (const row of plugins) {
      expect(row.phaseCalls.count).toBeGreaterThan(0)
      expect(row.phaseCalls.p50).toBeGreaterThan(0)
      expect(row.phaseCalls.p99).toBeGreaterThanOrEqual(row.phaseCalls.p50)
    }
    for (const row of plugins.slice(1)) {
      expect(Object.keys(row.coldStart).sort()).toEqual([
        'buildMs',
        'configureMs',
        'firstMs',
        'secondMs',
        'warmMs',
      ])
      // The worker built exactly the one isolate the new plugin needs, inside the Admin API call.
      expect(row.coldStart.buildMs).toBeGreaterThan(0)
      expect(row.coldStart.buildMs).toBeLessThan(row.coldStart.configureMs)
    }
    const markdown = readFileSync(join(out, 'latest.md'), 'utf8')
    expect(markdown).toContain(`- **machine**: `)
    expect(markdown).toContain(nginx === null ? 'nginx not on the PATH (not measured)' : `nginx ${nginx}`)
    expect(markdown).toContain('| isogate, 5 plugins (isolation=plugin) |')
    const columns = [
      'vs bare proxy',
      'vs no plugins',
      'vs in-process',
      'vs plugin server',
      'p99 added vs no plugins ms',
      'CPU µs / req',
      'CPU vs no plugins',
    ]
    for (const column of columns) expect(markdown).toContain(`| ${column} |`)
    expect(markdown).toContain('## At a fixed rate of 200 req/s')
    expect(markdown).toContain('## Cold start')
    expect(markdown).toContain('## Idle isolates')
    expect(markdown).toContain('## Throughput against the number of plugins')
    const series = report.pluginSeries as {
      isolation: string
      count: number
      errors: number
      cpuUsPerRequest: number
    }[]
    expect(series.map((p) => `${p.isolation}:${p.count}`)).toEqual([
      'plugin:0',
      'plugin:1',
      'plugin:2',
      'workspace:0',
      'workspace:1',
      'workspace:2',
    ])
    for (const point of series) {
      expect(point.errors).toBe(0)
      expect(point.cpuUsPerRequest).toBeGreaterThan(0)
    }
    // The first trivial plugin's added worker CPU and each further one's, per mode (any sign:
    // at --tiny's few requests they are noise, but they are numbers).
    for (const mode of ['plugin', 'workspace']) {
      expect(Number.isFinite(report.pluginCosts[mode].first)).toBe(true)
      expect(Number.isFinite(report.pluginCosts[mode].further)).toBe(true)
    }
    // One crossing's own price: the no-op plugin's phase calls in each mode's running proxy.
    expect(markdown).toContain("## One crossing's own price")
    const crossings = report.noopCrossing as {
      isolation: string
      phaseCalls: { count: number; p50: number; p99: number }
      cpuUsPerRequest: number
    }[]
    expect(crossings.map((c) => c.isolation)).toEqual(['plugin', 'workspace'])
    for (const crossing of crossings) {
      expect(crossing.phaseCalls.count).toBeGreaterThan(0)
      expect(crossing.phaseCalls.p50).toBeGreaterThan(0)
      expect(crossing.phaseCalls.p99).toBeGreaterThanOrEqual(crossing.phaseCalls.p50)
      expect(crossing.cpuUsPerRequest).toBeGreaterThan(0)
    }
    expect(stderr).toMatch(
      /^\[\d+\/\d+\] 200 req\/s: isogate, no-op plugin \(isolation=workspace\) \.\.\. .* µs CPU\/req$/m,
    )
    // Issue 12's budget table, every line measured (a chain that missed the rate counts as missed).
    expect(markdown).toContain('## Budgets (issue 12)')
    const budgets = report.budgets as {
      figure: string
      measured: number | null
      text: string
      met: boolean
    }[]
    expect(budgets).toHaveLength(14)
    for (const budget of budgets) {
      expect(typeof budget.met, budget.figure).toBe('boolean')
      if (budget.measured === null) expect(budget.text).toMatch(/^did not keep the rate/)
      else expect(Number.isFinite(budget.measured)).toBe(true)
    }
    expect(stderr).toMatch(/^\[\d+\/\d+\] spread: 3 workspaces \.\.\. \d+ req\/s$/m)
    expect(markdown).toContain('## Throughput with traffic spread over workspaces')
    const spread = report.workspaceSpread as {
      workspaces: number
      rps: number
      errors: number
      rssMb: number
    }[]
    expect(spread.map((p) => p.workspaces)).toEqual([1, 3])
    for (const point of spread) {
      expect(point.rps).toBeGreaterThan(0)
      expect(point.errors).toBe(0)
      expect(point.rssMb).toBeGreaterThan(0)
    }
    // The noisy-neighbour figure: the quiet workspace answered every request alone and beside the
    // noisy one, which got answers too (503s from its full queue are allowed, errors are not).
    expect(markdown).toContain('## Noisy neighbour')
    const noisy = report.noisyNeighbour
    expect(noisy.rate).toBe(20)
    for (const quiet of [noisy.alone, noisy.beside]) {
      expect(quiet.requests).toBeGreaterThan(0)
      expect(quiet.errors + quiet.non2xx).toBe(0)
      expect(quiet.p99).toBeGreaterThanOrEqual(quiet.p50)
    }
    expect(noisy.noisy.requests - noisy.noisy.non2xx).toBeGreaterThan(0)
    expect(noisy.noisy.errors).toBe(0)
    expect(report.idleIsolates.counts.map((c: { count: number }) => c.count)).toEqual([1, 10])
    for (const c of report.idleIsolates.counts) expect(Number.isFinite(c.perIsolateMb)).toBe(true)
    for (const chart of ['requests-per-second.svg', 'fixed-rate-latency.svg']) {
      expect(markdown).toContain(`](${chart})`)
      const svg = readFileSync(join(out, chart), 'utf8')
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*<\/svg>\n$/)
      expect(svg).toContain('>isogate, 5 plugins (isolation=workspace)</text>')
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 600_000) // a few minutes on a machine busy with other work

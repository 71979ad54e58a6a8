import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'

/** How hard and how long the load runs. */
export interface BenchSettings {
  mode: 'full' | 'quick' | 'tiny'
  /**
   * At saturation: autocannon's connections, seconds of warm-up (before a contender's first
   * round), seconds per round, rounds.
   */
  connections: number
  warmup: number
  seconds: number
  rounds: number
  /** Fixed rate: offered req/s, measured seconds, most connections the paced generator opens. */
  rate: number
  rateSeconds: number
  rateConnections: number
  /** Measured seconds of the shorter fixed-rate runs: the plugin-count series and the no-op crossing. */
  seriesRateSeconds: number
}

/** Where and with what the figures were measured, printed at the top of the report. */
export interface Machine {
  cpu: string
  cores: number
  memoryGb: number
  os: string
  node: string
  isogate: string
  autocannon: string
  /** nginx's version, or null when it was not on the PATH (and so not measured). */
  nginx: string | null
  date: string
  settings: BenchSettings
}

const versionOf = (packageJson: URL) =>
  (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version

/** The commit the tree is at (read-only), so figures can be traced to code; empty outside a checkout. */
function commit(): string {
  try {
    const root = new URL('../../', import.meta.url)
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return ''
  }
}

export function describeMachine(settings: BenchSettings, nginx: string | null): Machine {
  const sha = commit()
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    isogate: versionOf(new URL('../../package.json', import.meta.url)) + (sha ? ` (${sha})` : ''),
    autocannon: versionOf(new URL(import.meta.resolve('autocannon/package.json'))),
    nginx,
    date: new Date().toISOString(),
    settings,
  }
}

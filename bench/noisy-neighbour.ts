import { launchIsogate } from './isogate-process.ts'
import type { LoadCommand } from './load.ts'
import { adminPost } from './plugin-figures.ts'
import type { BenchSettings, FixedLoad, NoisyNeighbour } from './report/index.ts'
import { BURN_MS } from './stamp-plugins.ts'
import type { Progress } from './workspace-spread.ts'

/**
 * Issue 11 point 6: fair share between workspaces. One gateway (`isogate start`, one worker), two
 * workspaces routed by host: `quiet` with a light plugin (stamp-1), `noisy` with `burn` (BURN_MS of
 * CPU per request, under plugin_cpu_ms). The quiet workspace is paced at QUIET_RATE alone, then
 * beside NOISY_CONNECTIONS kept busy on the noisy one; its p50/p99 in both, and what the noisy one
 * got meanwhile.
 */
export const QUIET_RATE = 20
export const NOISY_CONNECTIONS = 16
/** Paced connections of the quiet workspace: at 20 req/s a few are plenty. */
const QUIET_CONNECTIONS = 4

/** Measured seconds of the quiet workspace's paced runs (a run adds up to 1 s of warm-up). */
export const NOISY_SECONDS: Record<BenchSettings['mode'], number> = { tiny: 1, quick: 3, full: 10 }

const QUIET = { host: 'quiet.bench' }
const NOISY = { host: 'noisy.bench' }

async function configureWorkspace(admin: string, upstream: string, name: string, plugin: string) {
  await adminPost(admin, '/workspaces', { name })
  await adminPost(admin, `/${name}/services`, { name: 's', url: upstream })
  await adminPost(admin, `/${name}/services/s/routes`, { hosts: [`${name}.bench`] })
  await adminPost(admin, `/${name}/plugins`, { name: plugin })
}

export interface NoisyRun {
  upstream: string
  /** The bench-only plugins' folder (writeStampPlugins). */
  stamps: string
  mode: BenchSettings['mode']
  load<T>(command: LoadCommand): Promise<T>
  progress: Progress
}

export async function measureNoisyNeighbour(run: NoisyRun): Promise<NoisyNeighbour> {
  const gateway = await launchIsogate({ ISOGATE_PLUGINS: 'burn,stamp-1', ISOGATE_PLUGIN_PATHS: run.stamps })
  try {
    await configureWorkspace(gateway.admin, run.upstream, 'quiet', 'stamp-1')
    await configureWorkspace(gateway.admin, run.upstream, 'noisy', 'burn')
    const seconds = NOISY_SECONDS[run.mode]
    const quiet = {
      url: gateway.url,
      rate: QUIET_RATE,
      seconds,
      connections: QUIET_CONNECTIONS,
      headers: QUIET,
    }
    const line = (r: FixedLoad) => `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`
    const alone = await run.progress(
      `noisy neighbour: quiet workspace alone at ${QUIET_RATE} req/s`,
      () => run.load<FixedLoad>({ mode: 'rate', ...quiet }),
      line,
    )
    const together = await run.progress(
      `noisy neighbour: quiet beside ${NOISY_CONNECTIONS} connections burning ${BURN_MS} ms`,
      () =>
        run.load<{ quiet: FixedLoad; noisy: NoisyNeighbour['noisy'] }>({
          mode: 'beside',
          ...quiet,
          noisy: { connections: NOISY_CONNECTIONS, headers: NOISY },
        }),
      (r) =>
        `${line(r.quiet)}; noisy: ${r.noisy.requests - r.noisy.non2xx} answered, ${r.noisy.non2xx} refused`,
    )
    const { requests, non2xx, errors } = together.noisy
    return {
      rate: QUIET_RATE,
      seconds,
      noisyConnections: NOISY_CONNECTIONS,
      burnMs: BURN_MS,
      alone,
      beside: together.quiet,
      noisy: { seconds: together.noisy.seconds, requests, non2xx, errors },
    }
  } finally {
    await gateway.stop()
  }
}

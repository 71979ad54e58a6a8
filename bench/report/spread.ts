import { percent } from './ratios.ts'

/** One point of the workspace-spread figure: load spread evenly over `workspaces` workspaces. */
export interface SpreadPoint {
  workspaces: number
  rps: number
  /** Transport errors, timeouts and non-2xx answers of the measured round. */
  errors: number
  cpuPer1k: number
  /** The gateway's process tree, right after the measured round. */
  rssMb: number
  /** Wall time of the Admin API calls that configured the workspaces. */
  configureSeconds: number
  /** How many workspaces were configured at once. */
  configureInFlight: number
}

/** Requests/s against the number of workspaces the traffic is spread over, each against 1 workspace. */
export function spreadSection(points: readonly SpreadPoint[] | undefined): string[] {
  if (!points || points.length === 0) return []
  const one = points.find((p) => p.workspaces === 1)
  const sorted = [...points].sort((a, b) => a.workspaces - b.workspaces)
  return [
    '## Throughput with traffic spread over workspaces',
    '',
    'One gateway per count (`isolation = workspace`, one worker): N workspaces, each with a service, a',
    'route by host and one plugin of its own (`request-transformer`), so one isolate each, configured',
    'through the Admin API; every host requested once, then one round at saturation with the requests',
    "spread evenly over the hosts. RSS is the gateway tree's after the round; configure is the wall",
    `time of the Admin API calls (4 per workspace, ${points[0]?.configureInFlight} workspaces at a time).`,
    '',
    '| workspaces | req/s | vs 1 workspace | errors | CPU s / 1k req | RSS MB | configure s |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...sorted.map((p) => {
      const cells = [
        p.workspaces,
        Math.round(p.rps),
        percent(one && one.rps > 0 ? p.rps / one.rps : undefined),
        p.errors > 0 ? `**${p.errors}**` : '0',
        p.cpuPer1k.toFixed(3),
        p.rssMb,
        p.configureSeconds.toFixed(1),
      ]
      return `| ${cells.join(' | ')} |`
    }),
  ]
}

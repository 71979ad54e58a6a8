import type { Summary } from './summarize.ts'

/** The contenders the others are compared with, by the names bench/contenders.ts gives them. */
export const UPSTREAM = 'upstream alone'
export const BARE_PROXY = 'bare undici proxy'
export const NO_PLUGINS = 'isogate, no plugins'
export const IN_PROCESS = 'isogate, 5 plugins in-process (no isolation)'
export const PLUGIN_SERVER = 'Kong-style plugin server (kong-pdk), 5 plugins'

/** isogate running plugins, in any mode: compared with isogate running none. */
export const isPluginRow = (name: string) => name.startsWith('isogate, ') && name !== NO_PLUGINS

/** The five-plugin chain in isolates: compared with the same chain run in-process. */
export const isIsolatedChain = (name: string) => name.startsWith('isogate, 5 plugins (isolation=')

export interface Comparison {
  /** Requests/s as a fraction of the bare proxy's, the no-plugins gateway's, the in-process chain's. */
  vsBare?: number
  vsNoPlugins?: number
  vsInProcess?: number
  /** The isolated chain's requests/s as a multiple of the Kong-style plugin server's (budget: 3×). */
  vsPluginServer?: number
  /** p99 at the fixed rate minus the no-plugins gateway's, ms. */
  p99Added?: number
  /** CPU µs per request at the fixed rate as a multiple of the no-plugins gateway's. */
  cpuVsNoPlugins?: number
}

/** How a row compares with the reference rows of the same run (only the comparisons that apply). */
export function compare(row: Summary, all: Summary[]): Comparison {
  const find = (name: string) => all.find((s) => s.name === name)
  const [bare, noPlugins, inProcess, server] = [
    find(BARE_PROXY),
    find(NO_PLUGINS),
    find(IN_PROCESS),
    find(PLUGIN_SERVER),
  ]
  const share = (base: Summary | undefined) => (base && base.rps > 0 ? row.rps / base.rps : undefined)
  const result: Comparison = {}
  if (row.name !== UPSTREAM && row.name !== BARE_PROXY) result.vsBare = share(bare)
  if (isPluginRow(row.name)) {
    result.vsNoPlugins = share(noPlugins)
    if (row.fixed && noPlugins?.fixed) result.p99Added = row.fixed.p99 - noPlugins.fixed.p99
    const [cpu, baseCpu] = [row.fixed?.cpuUsPerRequest, noPlugins?.fixed?.cpuUsPerRequest]
    if (cpu != null && baseCpu != null && baseCpu > 0) result.cpuVsNoPlugins = cpu / baseCpu
  }
  if (isIsolatedChain(row.name)) {
    result.vsInProcess = share(inProcess)
    result.vsPluginServer = share(server)
  }
  return result
}

/** A multiple: `2.4×`. */
export const times = (fraction: number | undefined) =>
  fraction === undefined ? '' : `${fraction.toFixed(2)}×`

export const percent = (fraction: number | undefined) =>
  fraction === undefined ? '' : `${(fraction * 100).toFixed(1)} %`

/** A difference in ms with its sign: `+0.42`, `−0.10`. */
export const signedMs = (ms: number | undefined) =>
  ms === undefined ? '' : `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(2)}`

import type { FixedLoad } from './summarize.ts'

/** The targets for the quiet workspace's p99 beside the noisy one. */
export const NOISY_TARGET = { p99Ms: 250, vsAlone: 4 }

/**
 * The noisy-neighbour figure: a quiet workspace's latency at a low fixed rate, alone and while a
 * noisy workspace on the same worker saturates a route whose plugin burns CPU on every request.
 */
export interface NoisyNeighbour {
  /** The quiet workspace's offered rate, req/s, and its measured seconds. */
  rate: number
  seconds: number
  /** The noisy workspace's load: connections kept busy, and the CPU its plugin burns per request. */
  noisyConnections: number
  burnMs: number
  alone: FixedLoad
  beside: FixedLoad
  /** What the noisy workspace got meanwhile (over `seconds` of its own load). */
  noisy: {
    seconds: number
    requests: number
    /** Answered 503 + Retry-After by the workspace scheduler (or any other non-2xx). */
    non2xx: number
    errors: number
  }
}

const ms = (value: number) => value.toFixed(1)

export function noisySection(figure: NoisyNeighbour | undefined): string[] {
  if (figure === undefined) return []
  const { alone, beside, noisy } = figure
  const ratio = alone.p99 > 0 ? beside.p99 / alone.p99 : undefined
  const answered = noisy.requests - noisy.non2xx
  const row = (name: string, load: FixedLoad) =>
    `| ${name} | ${ms(load.p50)} | ${ms(load.p99)} | ${ms(load.max)} | ${load.requests} | ${load.errors + load.non2xx + load.dropped} |`
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**')
  return [
    '## Noisy neighbour',
    '',
    'One gateway, one worker, two workspaces: `quiet` (a light plugin) paced at',
    `${figure.rate} req/s, alone and then while \`noisy\` keeps ${figure.noisyConnections} connections busy on a route whose`,
    `plugin burns ${figure.burnMs} ms of CPU per request. Latency of the quiet workspace, ms:`,
    '',
    '| quiet workspace | p50 | p99 | max | requests | errors |',
    '|---|---:|---:|---:|---:|---:|',
    row('alone', alone),
    row('beside the noisy one', beside),
    '',
    `- p99 beside the noisy one: ${ms(beside.p99)} ms (target ≤ ${NOISY_TARGET.p99Ms} ms: ` +
      `${verdict(beside.p99 <= NOISY_TARGET.p99Ms)}), ${ratio === undefined ? '?' : ratio.toFixed(1)}× alone ` +
      `(target ≤ ${NOISY_TARGET.vsAlone}×: ${verdict(ratio !== undefined && ratio <= NOISY_TARGET.vsAlone)})`,
    `- the noisy workspace meanwhile: ${answered} answered 2xx (${(answered / noisy.seconds).toFixed(1)}/s), ` +
      `${noisy.non2xx} refused (503 + Retry-After), ${noisy.errors} errors`,
  ]
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The most plugins the series chains (issue 5: 0, 1, 2, 5 and 10). */
export const MAX_STAMPS = 10

/** The plugin that does nothing: its phase call is the crossing's own price. */
export const NOOP = 'noop'

/** CPU each request of the noisy-neighbour figure's noisy workspace burns in its plugin, ms. */
export const BURN_MS = 30

/**
 * Bench-only plugins for the plugin-count series: `stamp-1` … `stamp-10`, each an access handler
 * that sets one upstream header, so the series measures the chain's length and nothing else;
 * `noop`, an access handler that does nothing (one crossing's own price); and `burn`, whose
 * access handler spins for BURN_MS (the noisy neighbour, under plugin_cpu_ms).
 * Written as real plugin folders into a temporary directory (for `plugin_paths`); its path.
 */
export function writeStampPlugins(): string {
  const root = mkdtempSync(join(tmpdir(), 'isogate-bench-stamps-'))
  for (let i = 1; i <= MAX_STAMPS; i++) {
    const dir = join(root, `stamp-${i}`)
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'schema.ts'),
      `export default { name: 'stamp-${i}', config: { type: 'object' } }\n`,
    )
    writeFileSync(
      join(dir, 'handler.ts'),
      `export default {
  priority: ${1000 - i},
  version: '1.0.0',
  access(kong: { service: { request: { setHeader(name: string, value: string): void } } }) {
    kong.service.request.setHeader('x-stamp-${i}', '1')
  },
}
`,
    )
  }
  const noop = join(root, NOOP)
  mkdirSync(noop)
  writeFileSync(join(noop, 'schema.ts'), `export default { name: '${NOOP}', config: { type: 'object' } }\n`)
  writeFileSync(
    join(noop, 'handler.ts'),
    `export default { priority: 1000, version: '1.0.0', access() {} }\n`,
  )
  const burn = join(root, 'burn')
  mkdirSync(burn)
  writeFileSync(join(burn, 'schema.ts'), `export default { name: 'burn', config: { type: 'object' } }\n`)
  writeFileSync(
    join(burn, 'handler.ts'),
    `export default {
  priority: 1000,
  version: '1.0.0',
  access() {
    const end = Date.now() + ${BURN_MS}
    while (Date.now() < end) {}
  },
}
`,
  )
  return root
}

export const stampNames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `stamp-${i + 1}`)

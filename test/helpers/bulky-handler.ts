/**
 * A plugin handler V8 takes long to compile (one branch per `branches`, ~20 µs each) though it runs
 * in microseconds: V8 compiles a function at its first call, so a cold isolate's first request
 * spends that on the plugin's CPU budget.
 */
export function bulkyHandler(branches: number): string {
  const lines: string[] = []
  for (let i = 0; i < branches; i++) lines.push(`    if (n === ${i}) out += 'b${i}' + Math.max(${i}, n)`)
  return `export default {
  priority: 1,
  version: '1.0.0',
  access(kong: any) {
    const n = Number(kong.request.getHeader('x-n') ?? -1)
    let out = 'ran'
${lines.join('\n')}
    kong.response.exit(200, { out })
  },
}
`
}

export const BULKY_SCHEMA = 'export default { name: "bulky", config: { type: "object" } }\n'

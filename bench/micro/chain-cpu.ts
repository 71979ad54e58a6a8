/**
 * Quick figure for development: CPU µs per request of each isogate contender's process tree,
 * over a bounded closed-loop load (8 connections). `node --import tsx bench/micro/chain-cpu.ts [n]`
 */
import { Agent, request } from 'undici'
import { type Contender, startInProcess, startIsogate, startUpstream } from '../contenders.ts'
import { usage } from '../processes.ts'

const total = Number(process.argv[2] ?? 4000)
const which = (process.argv[3] ?? 'none,key-auth,workspace,plugin').split(',')

async function drive(c: Contender, n: number, agent: Agent): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next++ < n) {
      const r = await request(`${c.url}/x`, { headers: c.headers ?? {}, dispatcher: agent })
      await r.body.arrayBuffer()
      if (r.statusCode !== 200) throw new Error(`${c.name}: ${r.statusCode}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

const upstream = await startUpstream()
try {
  for (const mode of which) {
    const c =
      mode === 'in-process'
        ? await startInProcess(upstream.url)
        : await startIsogate(upstream.url, mode === 'none' ? undefined : (mode as 'plugin'))
    const agent = new Agent({ connections: 8 })
    try {
      await drive(c, 1500, agent)
      const before = usage(c.pid).cpuSeconds
      const t0 = performance.now()
      await drive(c, total, agent)
      const cpu = usage(c.pid).cpuSeconds - before
      const ms = performance.now() - t0
      console.log(
        `${c.name.padEnd(40)} ${((cpu * 1e6) / total).toFixed(0).padStart(6)} µs CPU/req  ${((total / ms) * 1000).toFixed(0)} req/s`,
      )
    } finally {
      await agent.close()
      await c.stop()
    }
  }
} finally {
  await upstream.stop()
}

import { rmSync } from 'node:fs'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { startStampSeries } from './contenders.ts'
import { writeStampPlugins } from './stamp-plugins.ts'

let echo: EchoServer
let stamps: string

beforeAll(async () => {
  echo = await startEchoServer()
  stamps = writeStampPlugins()
})

afterAll(async () => {
  await echo.close()
  rmSync(stamps, { recursive: true, force: true })
})

const stampHeaders = async (url: string, headers: Record<string, string> = {}): Promise<string[]> => {
  const response = await request(`${url}/`, { headers })
  const reply = (await response.body.json()) as EchoReply
  expect(response.statusCode).toBe(200)
  return Object.keys(reply.headers)
    .filter((name) => name.startsWith('x-stamp-'))
    .sort()
}

describe('startStampSeries', () => {
  it.each(['plugin', 'workspace'] as const)(
    'grows one gateway’s chain point by point (isolation=%s)',
    async (isolation) => {
      const series = await startStampSeries(echo.url, isolation, stamps)
      try {
        const none = await series.chainOf(0)
        expect(none.name).toBe(`isogate, 0 plugins (isolation=${isolation})`)
        expect(await stampHeaders(none.url)).toEqual([])
        const two = await series.chainOf(2)
        expect(two.name).toBe(`isogate, 2 plugins (isolation=${isolation})`)
        expect(await stampHeaders(two.url)).toEqual(['x-stamp-1', 'x-stamp-2'])
        // Asking again for the same count adds nothing: the chain already has it.
        await series.chainOf(2)
        expect(await stampHeaders(two.url)).toEqual(['x-stamp-1', 'x-stamp-2'])
        await series.chainOf(5)
        expect(await stampHeaders(two.url)).toHaveLength(5)
        // The no-op plugin's route is another workspace's: no stamp runs there, and its calls
        // are what the worker's phase-call ring reports once only it has been requested.
        const { noop } = series
        expect(await stampHeaders(noop.url, noop.headers)).toEqual([])
        expect(noop.cpu.of).toBe('worker')
        expect(noop.cpu.pids()).toHaveLength(1)
        expect(noop.cpu.pids()[0]).not.toBe(noop.pid)
        const metrics = await (await fetch(`${noop.statusUrl}/metrics`)).text()
        expect(metrics).toMatch(/^isogate_plugin_phase_call_microseconds_count\{[^}]*\} [1-9]/m)
      } finally {
        await series.stop()
      }
    },
    60_000,
  )
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoGateway, startEchoGateway } from './plugins/echo-gateway.ts'

// The wall time of plugin phase calls, as the status listener publishes it (local worker mode).
describe('phase-call timing on status_listen', () => {
  let echo: EchoGateway

  beforeAll(async () => {
    echo = await startEchoGateway()
    await echo.routeWith('timed', 'correlation-id', {})
  })
  afterAll(async () => {
    await echo?.stop()
  })

  it('counts each phase call and reports its quantiles in /status and /metrics', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${echo.gw.proxyUrl}/timed`)
      expect(response.status).toBe(200)
      const echoed = (await response.json()) as { headers: Record<string, string> }
      expect(echoed.headers['kong-request-id']).toMatch(/^[0-9a-f-]{36}#\d+$/)
    }
    const status = (await (await fetch(`${echo.gw.statusUrl}/status`)).json()) as any
    const [worker, ...others] = status.plugins.phase_calls
    expect(others).toEqual([])
    // correlation-id runs in access and headerFilter: two calls per request.
    expect(worker).toMatchObject({ pid: process.pid, count: 6 })
    expect(worker.p50_us).toBeGreaterThan(0)
    expect(worker.p99_us).toBeGreaterThanOrEqual(worker.p50_us)

    const metrics = await (await fetch(`${echo.gw.statusUrl}/metrics`)).text()
    const pid = process.pid
    expect(metrics).toMatch(
      new RegExp(`^isogate_plugin_phase_call_microseconds\\{worker="${pid}",quantile="0.5"\\} [\\d.]+$`, 'm'),
    )
    expect(metrics).toMatch(
      new RegExp(
        `^isogate_plugin_phase_call_microseconds\\{worker="${pid}",quantile="0.99"\\} [\\d.]+$`,
        'm',
      ),
    )
    expect(metrics).toMatch(
      new RegExp(`^isogate_plugin_phase_call_microseconds_count\\{worker="${pid}"\\} 6$`, 'm'),
    )
  })
})

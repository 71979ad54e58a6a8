import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoGateway, startEchoGateway } from './plugins/echo-gateway.ts'

// The wall time of plugin phase calls and isolate builds, as the status listener publishes it
// (local worker mode).
describe('plugin runtime timing on status_listen', () => {
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
    // correlation-id without echo_downstream needs access only (its phases(config)): one call per request.
    expect(worker).toMatchObject({ pid: process.pid, count: 3 })
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
      new RegExp(`^isogate_plugin_phase_call_microseconds_count\\{worker="${pid}"\\} 3$`, 'm'),
    )
  })

  it('counts each isolate build and reports its time in /status and /metrics', async () => {
    const builds = async () => {
      const status = (await (await fetch(`${echo.gw.statusUrl}/status`)).json()) as any
      return status.plugins.isolate_builds as Record<string, number | null>[]
    }
    const [first, ...others] = await builds()
    expect(others).toEqual([])
    // correlation-id's isolate, built when its configuration was applied.
    expect(first).toMatchObject({ pid: process.pid, count: 1 })
    expect(first?.last_ms).toBeGreaterThan(0)
    expect(first?.p50_ms).toBe(first?.last_ms)

    // Another plugin: another isolate, built before the Admin API answers.
    await echo.routeWith('built', 'request-transformer', { add: { headers: ['x-built:1'] } })
    const [after] = await builds()
    expect(after).toMatchObject({ pid: process.pid, count: 2 })
    expect(after?.last_ms).toBeGreaterThan(0)
    expect(after?.p99_ms).toBeGreaterThanOrEqual(after?.p50_ms as number)

    const metrics = await (await fetch(`${echo.gw.statusUrl}/metrics`)).text()
    const pid = process.pid
    for (const line of [
      `isogate_plugin_isolate_build_milliseconds\\{worker="${pid}",quantile="0.5"\\} [\\d.]+`,
      `isogate_plugin_isolate_build_milliseconds\\{worker="${pid}",quantile="0.99"\\} [\\d.]+`,
      `isogate_plugin_isolate_build_milliseconds_count\\{worker="${pid}"\\} 2`,
    ]) {
      expect(metrics).toMatch(new RegExp(`^${line}$`, 'm'))
    }
    const last = new RegExp(
      `^isogate_plugin_isolate_build_last_milliseconds\\{worker="${pid}"\\} ([\\d.]+)$`,
      'm',
    )
    expect(Number(last.exec(metrics)?.[1])).toBeCloseTo(after?.last_ms as number, 2)
  })
})

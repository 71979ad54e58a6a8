import { expect } from 'vitest'
import type { EchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS } from './fixture-plugins.ts'
import { startTestGateway, type TestGateway } from './test-gateway.ts'

/**
 * The hostile suites' gateway: the `hostile` fixture plugin on a route per mode (`/<mode>`), a
 * plain `/healthy` route, and a workspace `other` whose `tagger` plugin must keep answering
 * (`/other/...`, header x-tagger-seen: other). Tight limits, since the cases could never finish;
 * no quarantine, since every case fails the same plugin on purpose (quarantine.test.ts has that).
 */
export async function startHostileGateway(
  upstream: EchoServer,
  modes: readonly string[],
): Promise<TestGateway> {
  const gw = await startTestGateway(
    {
      plugins: 'hostile,tagger',
      plugin_paths: FIXTURE_PLUGINS,
      plugin_cpu_ms: 50,
      plugin_wall_ms: 1000,
      isolate_memory_mb: 32,
      plugin_strikes: 1_000_000,
    },
    { captureLogs: true },
  )
  const ok = (status: number) => expect(status).toBeLessThan(300)
  ok((await gw.admin('POST', '/services', { name: 'svc', url: upstream.url })).status)
  for (const mode of modes) {
    ok((await gw.admin('POST', '/services/svc/routes', { name: mode, paths: [`/${mode}`] })).status)
    ok((await gw.admin('POST', `/routes/${mode}/plugins`, { name: 'hostile', config: { mode } })).status)
  }
  ok((await gw.admin('POST', '/services/svc/routes', { name: 'healthy', paths: ['/healthy'] })).status)
  ok((await gw.admin('POST', '/workspaces', { name: 'other' })).status)
  ok((await gw.admin('POST', '/other/services', { name: 'svc', url: upstream.url })).status)
  ok((await gw.admin('POST', '/other/services/svc/routes', { paths: ['/other'] })).status)
  ok((await gw.admin('POST', '/other/plugins', { name: 'tagger', config: { value: 'other' } })).status)
  return gw
}

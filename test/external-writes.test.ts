import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { runCli, startTestGateway, type TestGateway } from './helpers/index.ts'

/** Polls until `check` holds; the node polls the database every 250 ms, this allows for a busy machine. */
async function eventually(check: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms`)
    await sleep(50)
  }
}

/**
 * Another process writing the node's database (`isogate config db_import` into a running node's
 * SQLite file) reaches the node's proxy without any Admin API write: routing from a new snapshot,
 * and kong.cache entries (here key-auth's cached miss of a key) dropped.
 */
describe('writes by another process reach a running node', () => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({ plugins: 'key-auth' })
    expect((await gw.admin('POST', '/services', { name: 'guarded', url: upstream.url })).status).toBe(201)
    expect((await gw.admin('POST', '/services/guarded/routes', { paths: ['/guarded'] })).status).toBe(201)
    expect((await gw.admin('POST', '/services/guarded/plugins', { name: 'key-auth' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it('routes what db_import added, and forgets a cached missing key the import created', async () => {
    expect((await fetch(`${gw.proxyUrl}/imported`)).status).toBe(404)
    // key-auth caches the miss (neg_ttl): without a purge, the imported key would stay unknown.
    expect((await fetch(`${gw.proxyUrl}/guarded`, { headers: { apikey: 'k-imported' } })).status).toBe(401)

    const file = join(gw.prefix, 'import.yaml')
    writeFileSync(
      file,
      [
        '_format_version: "3.0"',
        'services:',
        '  - name: imported',
        `    url: ${upstream.url}`,
        '    routes:',
        '      - name: imported',
        '        paths: [/imported]',
        'consumers:',
        '  - username: importer',
        '    keyauth_credentials:',
        '      - key: k-imported',
        '',
      ].join('\n'),
    )
    const imported = await runCli(['config', 'db_import', file], {
      cwd: gw.prefix,
      env: { ISOGATE_PREFIX: gw.prefix, ISOGATE_PLUGINS: 'key-auth' },
    })
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)

    await eventually(async () => (await fetch(`${gw.proxyUrl}/imported`)).status === 200)
    await eventually(
      async () =>
        (await fetch(`${gw.proxyUrl}/guarded`, { headers: { apikey: 'k-imported' } })).status === 200,
    )
    // The node's own writes still work as before, beside the other process's.
    expect((await gw.admin('GET', '/consumers/importer')).status).toBe(200)
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliNode, FIXTURE_PLUGINS, startCliNode } from './helpers/index.ts'

const json = { 'content-type': 'application/json' }

/**
 * kong.db and kong.cache in cluster workers: the database lives in the supervisor (workers reach it
 * over IPC) and each worker keeps its own cache, so a change through the Admin API must reach every
 * worker's cache before the Admin API answers.
 */
describe('plugin data across cluster workers', { timeout: 90_000 }, () => {
  let prefix: string
  let node: CliNode
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(node.adminUrl + path, {
      method,
      headers: json,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  // A new connection per request: node:cluster hands connections to the workers in turn.
  const call = async (op: string, arg = '') => {
    const res = await request(`${node.proxyUrl}/ledger`, {
      headers: { 'x-op': op, 'x-arg': arg },
      reset: true,
    })
    return (await res.body.json()) as { result: any }
  }

  beforeAll(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'isogate-data-cluster-'))
    node = await startCliNode(prefix, { ISOGATE_PLUGINS: 'ledger', ISOGATE_PLUGIN_PATHS: FIXTURE_PLUGINS })
    expect((await admin('POST', '/routes', { name: 'ledger', paths: ['/ledger'] })).status).toBe(201)
    expect((await admin('POST', '/routes/ledger/plugins', { name: 'ledger' })).status).toBe(201)
  })
  afterAll(async () => {
    await node?.stop()
    rmSync(prefix, { recursive: true, force: true })
  })

  it('writes through the supervisor and drops every worker’s cached copy on an Admin API change', async () => {
    const created = await call('insert', JSON.stringify({ label: 'shared', amount: 1 }))
    expect(created.result).toMatchObject({ label: 'shared', amount: 1 })
    // Requests spread over both workers: each caches the row.
    for (let i = 0; i < 8; i++)
      expect((await call('cached', 'shared')).result.value).toMatchObject({ amount: 1 })
    expect((await admin('PATCH', '/ledger-entries/shared', { amount: 2 })).status).toBe(200)
    for (let i = 0; i < 8; i++)
      expect((await call('cached', 'shared')).result.value).toMatchObject({ amount: 2 })
    // A plugin's own invalidation reaches every worker too.
    await call('invalidate', 'shared')
    for (let i = 0; i < 8; i++) expect((await call('probe', 'shared')).result).toBeNull()
  })
})

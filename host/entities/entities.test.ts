import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStorage } from '../storage/index.ts'
import { createEntities } from './index.ts'
import { openTestEntities, rejection, type TestEntities, testRegistry } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

describe('change events', () => {
  it('are emitted after commit, one per row', async () => {
    const seen: string[] = []
    const stop = t.entities.onChange((event) => {
      seen.push(`${event.op} ${event.entity}`)
      throw new Error('a failing listener does not affect the write')
    })
    const service = await t.entities.services.insert(t.ws, { host: 'h' })
    await t.entities.services.update(t.ws, service.id, { host: 'x' })
    await t.entities.services.upsert(t.ws, service.id, { host: 'y' })
    await t.entities.services.delete(t.ws, service.id)
    stop()
    await t.entities.services.insert(t.ws, { host: 'h' })
    expect(seen).toEqual(['create services', 'update services', 'update services', 'delete services'])
    expect(t.events.at(-1)).toMatchObject({ entity: 'services', op: 'create', ws_id: t.ws })
  })

  it('are not emitted for failed writes', async () => {
    await rejection(t.entities.services.insert(t.ws, {}))
    expect(t.events).toEqual([])
  })
})

describe('transactions', () => {
  it('commit everything together, events after commit', async () => {
    const during: number[] = []
    await t.entities.transaction(async (tx) => {
      const service = await tx.services.insert(t.ws, { name: 's', host: 'h' })
      await tx.routes.insert(t.ws, { paths: ['/'], service: { id: service.id } })
      during.push(t.events.length)
      expect(await tx.services.selectByKey(t.ws, 's')).not.toBeNull()
    })
    expect(during).toEqual([0])
    expect(t.events.map((event) => event.entity)).toEqual(['services', 'routes'])
  })

  it('leave nothing behind when one step fails', async () => {
    const error = await rejection(
      t.entities.transaction(async (tx) => {
        await tx.services.insert(t.ws, { name: 's', host: 'h' })
        await tx.consumers.insert(t.ws, { username: 'u', tags: ['x'] })
        await tx.routes.insert(t.ws, { paths: ['bad'] })
      }),
    )
    expect(error.code).toBe('SCHEMA_VIOLATION')
    expect(await t.entities.services.selectByKey(t.ws, 's')).toBeNull()
    expect((await t.entities.consumers.page(t.ws)).data).toEqual([])
    expect((await t.entities.tags(t.ws, {})).data).toEqual([])
    expect(t.events).toEqual([])
  })
})

describe('snapshot', () => {
  it("holds every workspace's proxy configuration with an increasing version", async () => {
    const before = await t.entities.loadSnapshot()
    const otherWs = await t.entities.workspaces.insert('', { name: 'b' })
    const service = await t.entities.services.insert(otherWs.id, { host: 'h' })
    const route = await t.entities.routes.insert(t.ws, { paths: ['/'], service: null })
    const plugin = await t.entities.plugins.insert(otherWs.id, { name: 'key-auth' })
    await t.entities.consumers.insert(t.ws, { username: 'u' })
    const after = await t.entities.loadSnapshot()
    expect(after.version).toBeGreaterThanOrEqual(before.version + 5)
    expect(after.workspaces.map((ws) => ws.name).sort()).toEqual(['b', 'default'])
    expect(after.services).toEqual([service])
    expect(after.routes).toEqual([route])
    expect(after.plugins).toEqual([plugin])
    expect(Object.keys(after).sort()).toEqual(['plugins', 'routes', 'services', 'version', 'workspaces'])
    expect((await t.entities.loadSnapshot()).version).toBe(after.version)
  })

  it('is shared by every process using the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isogate-entities-'))
    try {
      const first = await openTestEntities(join(dir, 'db', 'isogate.db'))
      const storage = await openStorage({ dialect: 'sqlite', path: join(dir, 'db', 'isogate.db') })
      const second = createEntities(storage, { plugins: testRegistry })
      await first.entities.services.insert(first.ws, { name: 's', host: 'h' })
      const snapshot = await second.loadSnapshot()
      expect(snapshot.services.map((service) => service.name)).toEqual(['s'])
      expect(snapshot.version).toBe((await first.entities.loadSnapshot()).version)
      await storage.close()
      await first.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('schemas', () => {
  it('are listed by collection and served in Kong shape', () => {
    expect(t.entities.schemaNames()).toEqual(['workspaces', 'services', 'routes', 'consumers', 'plugins'])
    expect(t.entities.dao('routes')).toBe(t.entities.routes)
    expect(t.entities.dao('nope')).toBeUndefined()
    expect(t.entities.schema('consumers')?.endpointKey).toBe('username')
    const services = t.entities.kongSchema('services') as {
      fields: Record<string, Record<string, unknown>>[]
      entity_checks: unknown[]
    }
    expect(services.fields[0]).toEqual({ id: { type: 'string', uuid: true, auto: true } })
    const port = services.fields.find((field) => 'port' in field)?.port
    expect(port).toEqual({ type: 'integer', between: [0, 65535], required: true, default: 80, indexed: true })
    const host = services.fields.find((field) => 'host' in field)?.host
    expect(host).toEqual({ type: 'string', required: true, indexed: true })
    expect(services.entity_checks).toHaveLength(5)
    expect(JSON.parse(JSON.stringify(t.entities.kongSchema('routes')))).toEqual(
      t.entities.kongSchema('routes'),
    )
    expect(t.entities.kongSchema('consumers')).toMatchObject({
      entity_checks: [{ at_least_one_of: ['custom_id', 'username'] }],
    })
    expect(t.entities.kongSchema('nope')).toBeUndefined()
  })
})

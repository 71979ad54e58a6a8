import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writePluginFolders } from '../../test/helpers/index.ts'
import { runPlugin } from './index.ts'

const CONSUMER = '5e0b3c1a-8f3e-4b8e-9d3c-2b2f6f0a7c11'
const ENTRY = '0c6b1f7e-2d4a-4f53-8a51-6f1d1e0a9b22'

/** A plugin with its own entity (`balance_entries`, Admin API `/balance-entries`) and its migration. */
const BALANCE_FILES = {
  'schema.ts': `export default { name: 'balance', config: { type: 'object', additionalProperties: false } }\n`,
  'daos.ts': `export default [{
  name: 'balance_entries',
  primaryKey: ['id'],
  cacheKey: ['label'],
  adminApiName: 'balance-entries',
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { consumer: { type: 'foreign', reference: 'consumers', onDelete: 'cascade' } },
    { label: { type: 'string', required: true, unique: true, lenMax: 8 } },
    { amount: { type: 'integer', default: 0 } },
  ],
}]
`,
  'migrations/000_base.ts': `export default {
  up: [{
    createTable: 'balance_entries',
    columns: {
      id: { type: 'uuid', primaryKey: true },
      consumer_id: { type: 'uuid', references: 'consumers', onDelete: 'cascade' },
      label: { type: 'text', notNull: true },
      amount: { type: 'integer' },
    },
    unique: [['label']],
  }],
}
`,
}

const folders: string[] = []
function plugin(name: string, files: Record<string, string>): string {
  const root = writePluginFolders({ [name]: files })
  folders.push(root)
  return join(root, name)
}
afterAll(() => {
  for (const root of folders) rmSync(root, { recursive: true, force: true })
})

describe('runPlugin with data', () => {
  it('reads rows given in entities through kong.db, and refuses a row as the Admin API does', async () => {
    const dir = plugin('balance', {
      ...BALANCE_FILES,
      'handler.ts': `export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    const entry = await kong.db.balance_entries.select(kong.request.getHeader('x-entry'))
    const owner = await kong.db.consumers.select(String(entry?.consumer?.id))
    kong.service.request.setHeader('x-balance', entry ? entry.label + '=' + entry.amount : 'none')
    kong.service.request.setHeader('x-owner', String(owner?.username))
  },
}
`,
    })
    const result = await runPlugin({
      dir,
      request: { headers: { 'x-entry': ENTRY } },
      entities: {
        consumers: [{ id: CONSUMER, username: 'ann' }],
        balance_entries: [{ id: ENTRY, label: 'ann', amount: 7, consumer: { id: CONSUMER } }],
      },
    })
    expect(result.error).toBeNull()
    expect(result.upstream?.headers).toMatchObject({ 'x-balance': 'ann=7', 'x-owner': 'ann' })

    const refused = runPlugin({
      dir,
      entities: { balance_entries: [{ label: 'ok' }, { label: 'far-too-long' }] },
    })
    await expect(refused).rejects.toThrow(/^entities\.balance_entries\[1\] refused: .*label/)
    await expect(runPlugin({ dir, entities: { nothing: [{}] } })).rejects.toThrow(
      'entities.nothing[0]: no entity named nothing',
    )
  })

  it('inserts rows of an entity without Admin API endpoints through its DAO, with the same validation', async () => {
    const dir = plugin('hidden', {
      'schema.ts': `export default { name: 'hidden', config: { type: 'object' } }\n`,
      'daos.ts': `export default [{
  name: 'hidden_notes',
  primaryKey: ['id'],
  generateAdminApi: false,
  fields: [{ id: { type: 'string', uuid: true, auto: true } }, { text: { type: 'string', required: true } }],
}]
`,
      'migrations/000_base.ts': `export default {
  up: [{ createTable: 'hidden_notes', columns: { id: { type: 'uuid', primaryKey: true }, text: { type: 'text', notNull: true } } }],
}
`,
      'handler.ts': `export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    const page = await kong.db.hidden_notes.page()
    kong.service.request.setHeader('x-notes', page.data.map((note) => note.text).sort().join(','))
  },
}
`,
    })
    const result = await runPlugin({ dir, entities: { hidden_notes: [{ text: 'a' }, { text: 'b' }] } })
    expect(result.upstream?.headers['x-notes']).toBe('a,b')
    await expect(runPlugin({ dir, entities: { hidden_notes: [{ text: 'a' }, {}] } })).rejects.toThrow(
      /^entities\.hidden_notes\[1\] refused: .*text/,
    )
  })

  it('caches a kong.db loader result with kong.cache: the loader runs once for two lookups', async () => {
    const dir = plugin('balance', {
      ...BALANCE_FILES,
      'handler.ts': `let loads = 0

export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    const entries = kong.db.balance_entries
    const label = kong.request.getHeader('x-label') ?? ''
    const load = (wanted: string) => {
      loads += 1
      return entries.selectByLabel(wanted)
    }
    const first = await kong.cache.get(entries.cacheKey(label), null, load, label)
    const second = await kong.cache.get(entries.cacheKey(label), null, load, label)
    if (first === null) return kong.response.exit(404, { message: 'no entry' })
    kong.service.request.setHeader('x-amounts', first.amount + ',' + second?.amount)
    kong.service.request.setHeader('x-loads', String(loads))
  },
}
`,
    })
    const entities = { balance_entries: [{ label: 'bob', amount: 3 }] }
    const found = await runPlugin({ dir, entities, request: { headers: { 'x-label': 'bob' } } })
    expect(found.upstream?.headers).toMatchObject({ 'x-amounts': '3,3', 'x-loads': '1' })
    const missing = await runPlugin({ dir, entities, request: { headers: { 'x-label': 'eve' } } })
    expect(missing).toMatchObject({ status: 404, exit: true, upstream: null })
  })

  it('authenticates request.consumer through the PDK before the plugin runs', async () => {
    const dir = plugin('whoami', {
      'schema.ts': `export default { name: 'whoami', config: { type: 'object' } }\n`,
      'handler.ts': `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong) {
    const consumer = kong.client.getConsumer()
    kong.service.request.setHeader('x-who', consumer ? consumer.id + ' ' + consumer.username : 'anonymous')
  },
}
`,
    })
    const result = await runPlugin({ dir, request: { consumer: { id: CONSUMER, username: 'ann' } } })
    expect(result).toMatchObject({ status: 200, logs: [], error: null })
    expect(result.upstream?.headers['x-who']).toBe(`${CONSUMER} ann`)
    const anonymous = await runPlugin({ dir })
    expect(anonymous.upstream?.headers['x-who']).toBe('anonymous')
  })

  it("routes through the gateway's router: the test's route and service, the service path upstream", async () => {
    const dir = plugin('router-reader', {
      'schema.ts': `export default { name: 'router-reader', config: { type: 'object' } }\n`,
      'handler.ts': `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong) {
    kong.service.request.setHeader('x-route', kong.router.getRoute().name)
    kong.service.request.setHeader('x-service', kong.router.getService().name)
  },
}
`,
    })
    const request = {
      path: '/api/things?page=2',
      route: { name: 'things', paths: ['/api'], methods: ['POST'] },
      service: { name: 'backend', path: '/v1' },
    }
    const result = await runPlugin({ dir, request })
    expect(result.upstream).toMatchObject({
      method: 'POST',
      path: '/v1/api/things',
      query: 'page=2',
      headers: { 'x-route': 'things', 'x-service': 'backend' },
    })
    await expect(runPlugin({ dir, request: { ...request, path: '/other' } })).rejects.toThrow(
      'runPlugin: the request does not match request.route',
    )
  })
})

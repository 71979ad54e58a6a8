import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEntities, type Entities, type PluginEntity } from '../entities/index.ts'
import { createLogger } from '../log/index.ts'
import { type PluginCatalog, pluginRegistry } from '../plugins/index.ts'
import { loadTestCatalog, type PluginDirs, pluginDirs } from '../plugins/test-plugins.ts'
import type { LogFacts, PluginRequest, PluginRequestInfo } from '../proxy/index.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import { WorkerPlugins } from './worker-plugins.ts'

const SCHEMA = (name: string) =>
  `export default ${JSON.stringify({
    name,
    config: { type: 'object', properties: { label: { type: 'string' } }, additionalProperties: false },
  })}\n`

/** `stamp` answers at once and logs the label of the config it ran with; `waiter` awaits the body (host I/O). */
const PLUGINS = {
  stamp: {
    'handler.ts': `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong, conf) {
    kong.service.request.setHeader('x-stamp', conf.label)
    kong.log.notice('access ' + conf.label)
  },
  log(kong, conf) {
    kong.log.notice('log ' + conf.label)
  },
}
`,
    'schema.ts': SCHEMA('stamp'),
  },
  waiter: {
    'handler.ts': `export default {
  priority: 500,
  version: '1.0.0',
  async access(kong) {
    const body = await kong.request.getRawBody()
    kong.service.request.setHeader('x-body', body)
  },
}
`,
    'schema.ts': SCHEMA('waiter'),
  },
}

const FACTS: LogFacts = {
  status: 200,
  headers: {},
  bytesReceived: 0,
  bytesSent: 0,
  latencies: { proxy: null, upstream: null, request: 1 },
}

/**
 * The proxy calls `log` once the response went out, in a later turn of the event loop: by then the
 * workspace scheduler's turn is over (within one turn a workspace past its quantum waits its turn).
 */
const afterResponse = () => new Promise((resolve) => setImmediate(resolve))

let dirs: PluginDirs
let catalog: PluginCatalog
let server: Server
let port: number
/** Requests that reached the server, each waiting for its test to answer it. */
const arrivals: ((pair: { req: IncomingMessage; res: ServerResponse }) => void)[] = []

beforeAll(async () => {
  dirs = pluginDirs()
  for (const [name, files] of Object.entries(PLUGINS)) dirs.files('catalog', name, files)
  catalog = await loadTestCatalog(dirs, {})
  server = createServer((req, res) => arrivals.shift()?.({ req, res }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  dirs.remove()
})

describe.each(['plugin', 'workspace'] as const)('ChainRequest (isolation = %s)', (isolation) => {
  let storage: Storage
  let entities: Entities
  let plugins: WorkerPlugins
  let ws: string
  let logs: Record<string, unknown>[]
  let stamp: PluginEntity
  let routes: { plain: string; waits: string }
  let requests = 0

  beforeEach(async () => {
    storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
    await migrationsBootstrap(storage)
    entities = createEntities(storage, { plugins: pluginRegistry(catalog) })
    ws = (await entities.workspaceByName('default'))!.id
    const service = await entities.services.insert(ws, { name: 's', host: 'example.com' })
    const route = (paths: string[]) => entities.routes.insert(ws, { paths, service: { id: service.id } })
    routes = { plain: (await route(['/plain'])).id, waits: (await route(['/waits'])).id }
    stamp = await entities.plugins.insert(ws, { name: 'stamp', config: { label: 'one' } })
    await entities.plugins.insert(ws, { name: 'waiter', config: {}, route: { id: routes.waits } })
    logs = []
    plugins = new WorkerPlugins(catalog, {
      isolation,
      memoryMb: 64,
      cpuMs: 500,
      wallMs: 5000,
      node: { id: 'n', hostname: 'h', version: '0' },
      trustedIps: [],
      maxBodyBytes: 1024,
      logger: createLogger({ log_level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    })
    await plugins.apply(await entities.loadSnapshot())
  })
  afterEach(() => {
    plugins.dispose()
    storage.close()
  })

  /** A real request to the test server, and its plugin work begun on the current snapshot. */
  async function begin(path: string, body?: string) {
    const arrived = new Promise<{ req: IncomingMessage; res: ServerResponse }>((resolve) =>
      arrivals.push(resolve),
    )
    const answered = fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body }),
    })
    const { req, res } = await arrived
    const snapshot = await entities.loadSnapshot()
    const route = snapshot.routes.find((candidate) => candidate.paths?.[0] === path)!
    const info: PluginRequestInfo = {
      req,
      requestId: `r${++requests}`,
      startedAtMs: Date.now(),
      clientIp: '127.0.0.1',
      trusted: false,
      host: '127.0.0.1',
      port,
      path,
      rawQuery: '',
      match: {
        route,
        service: snapshot.services[0]!,
        upstreamPath: path,
        upstreamHost: null,
        uriCaptures: null,
        prefix: null,
      },
    }
    const pr = plugins.begin(info) as PluginRequest
    const finish = async () => {
      pr.end()
      res.end('done')
      await (await answered).text()
    }
    return { pr, finish }
  }
  const lines = (prefix: string) =>
    logs.flatMap((line) => (typeof line.msg === 'string' && line.msg.startsWith(prefix) ? [line.msg] : []))

  it('runs the access and log phases without a promise when every plugin answers at once', async () => {
    for (let i = 0; i < 3; i++) {
      const { pr, finish } = await begin('/plain')
      const outcome = pr.access()
      expect(outcome).not.toBeInstanceOf(Promise)
      expect(outcome).toMatchObject({ kind: 'proxy', upstream: { headers: { 'x-stamp': 'one' } } })
      const logged = lines('log ').length
      await afterResponse()
      pr.log(FACTS)
      // Ran before log() returned: nothing was left to a promise.
      expect(lines('log ').length).toBe(logged + 1)
      await finish()
    }
    expect(lines('access ')).toEqual(['access one', 'access one', 'access one'])
  })

  it('makes a promise only when a plugin awaits host I/O', async () => {
    const { pr, finish } = await begin('/waits', 'hello')
    const outcome = pr.access()
    expect(outcome).toBeInstanceOf(Promise)
    expect(await outcome).toMatchObject({
      kind: 'proxy',
      upstream: { headers: { 'x-stamp': 'one', 'x-body': 'hello' } },
    })
    await finish()
  })

  it("runs a configuration changed between access and log as it is then, never another instance's", async () => {
    /** A whole request (its plans and crossings made and kept, as steady traffic has them). */
    const whole = async () => {
      const { pr, finish } = await begin('/plain')
      pr.access()
      await afterResponse()
      pr.log(FACTS)
      await finish()
    }
    await whole()
    const patched = await begin('/plain')
    expect(patched.pr.access()).toMatchObject({ kind: 'proxy' })
    await entities.plugins.update(ws, stamp.id, { config: { label: 'two' } })
    await plugins.apply(await entities.loadSnapshot())
    await afterResponse()
    patched.pr.log(FACTS)
    // The same instance: its log phase runs with the configuration it has now.
    expect(lines('log ')).toEqual(['log one', 'log two'])
    await patched.finish()

    await whole()
    const replaced = await begin('/plain')
    expect(replaced.pr.access()).toMatchObject({ kind: 'proxy' })
    // The instance that ran access goes; another instance of the plugin becomes the only config.
    await entities.plugins.delete(ws, stamp.id)
    await entities.plugins.insert(ws, { name: 'stamp', config: { label: 'other' } })
    await plugins.apply(await entities.loadSnapshot())
    await afterResponse()
    replaced.pr.log(FACTS)
    expect(lines('log ')).toEqual(['log one', 'log two', 'log two'])
    const failed = logs.find((line) => line.msg === 'plugin failed')
    expect(failed).toMatchObject({ plugin: 'stamp', phase: 'log', reason: 'exception' })
    expect(String(failed?.detail)).toContain(stamp.id)
    await replaced.finish()

    // A new request runs the new instance.
    await whole()
    expect(lines('access ').at(-1)).toBe('access other')
    expect(lines('log ').at(-1)).toBe('log other')
  })
})

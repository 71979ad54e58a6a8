import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Ajv, type ErrorObject } from 'ajv'
import { fetch } from 'undici'
import type { TestDaos } from '../../test/helpers/index.ts'
import { createEntities, type Entities, type PluginRegistry } from '../entities/index.ts'
import type { FieldErrors } from '../errors/index.ts'
import { migrationsBootstrap, migrationsUp, openStorage, type Storage } from '../storage/index.ts'
import { createAdminApp } from './app.ts'
import type { AdminDeps, NodeInfo } from './deps.ts'

/** JSON Schemas of the two plugins the Admin API tests configure. */
export const TEST_PLUGINS: Record<string, Record<string, unknown>> = {
  'key-auth': {
    type: 'object',
    properties: {
      key_names: { type: 'array', items: { type: 'string' }, default: ['apikey'] },
      hide_credentials: { type: 'boolean', default: false },
    },
    additionalProperties: false,
  },
  'rate-limiting': {
    type: 'object',
    properties: {
      minute: { type: 'number' },
      policy: { type: 'string', enum: ['local', 'cluster'], default: 'local' },
    },
    additionalProperties: false,
  },
}

/** A small real plugin registry: ajv over the JSON Schemas above, with Kong's field texts. */
export function testPluginRegistry(): PluginRegistry {
  const ajv = new Ajv({ useDefaults: true, allErrors: true })
  const validators = new Map(
    Object.entries(TEST_PLUGINS).map(([name, schema]) => [name, ajv.compile(schema)]),
  )
  return {
    has: (name) => validators.has(name),
    validateConfig(name, config) {
      const validate = validators.get(name)
      const copy = structuredClone(config ?? {})
      if (validate?.(copy)) return { ok: true, config: copy as Record<string, unknown> }
      return { ok: false, errors: fieldErrors(validate?.errors ?? []) }
    },
    scoping: () => ({}),
  }
}

function fieldErrors(errors: ErrorObject[]): FieldErrors {
  const fields: FieldErrors = {}
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      fields[String(error.params.additionalProperty)] = 'unknown field'
    } else {
      const name = error.instancePath.split('/')[1] ?? '@entity'
      fields[name] =
        error.keyword === 'type' ? `expected a ${error.params.type}` : (error.message ?? 'invalid value')
    }
  }
  return fields
}

/** Kong-shaped `/schemas/plugins/{name}` body for the test plugins. */
export function testPluginSchema(name: string): Record<string, unknown> | undefined {
  const schema = TEST_PLUGINS[name]
  if (!schema) return undefined
  const properties = schema.properties as Record<string, { type: string; items?: { type: string } }>
  const fields = Object.entries(properties).map(([field, spec]) => ({
    [field]:
      spec.type === 'array' ? { type: 'array', elements: { type: spec.items?.type } } : { type: spec.type },
  }))
  return {
    fields: [{ name: { type: 'string', required: true } }, { config: { type: 'record', fields } }],
    json_schema: schema,
  }
}

export const TEST_NODE: NodeInfo = {
  version: '0.1.0',
  hostname: 'test-host',
  node_id: '6f1c5a4e-0000-4000-8000-000000000001',
  configuration: { database: 'sqlite', admin_token: 'secret-token', pg_password: '', log_level: 'notice' },
  plugins: {
    'key-auth': { version: '1.0.0', priority: 1250 },
    'rate-limiting': { version: '1.0.0', priority: 910 },
  },
}

export interface CallResult {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  body: any
}

/** Plugin DAOs the test Admin API serves, with the migrations that create their tables. */
export interface TestAdmin {
  url: string
  entities: Entities
  storage: Storage
  /** JSON in (objects are sent as JSON; strings as given, with `headers` naming their type), JSON out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult>
  close(): Promise<void>
}

/** A real Admin API on 127.0.0.1:0 over real SQLite in memory. */
export async function startTestAdmin(
  overrides: Partial<AdminDeps> = {},
  daos?: TestDaos,
): Promise<TestAdmin> {
  const storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage)
  if (daos) await migrationsUp(storage, daos.migrations)
  const entities = createEntities(storage, { plugins: testPluginRegistry(), schemas: daos?.schemas ?? [] })
  const app = createAdminApp({
    entities,
    readOnly: false,
    nodeInfo: () => TEST_NODE,
    status: async () => ({
      server: { connections_active: 1, total_requests: 1 },
      database: { reachable: true },
    }),
    pluginSchema: testPluginSchema,
    ...overrides,
  })
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    entities,
    storage,
    async call(method, path, body, headers = {}) {
      const json = body !== undefined && typeof body !== 'string'
      const response = await fetch(url + path, {
        method,
        headers: json ? { 'content-type': 'application/json', ...headers } : headers,
        body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as string),
      })
      const text = await response.text()
      return {
        status: response.status,
        headers: response.headers as unknown as Headers,
        body: text ? JSON.parse(text) : null,
      }
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await storage.close()
    },
  }
}

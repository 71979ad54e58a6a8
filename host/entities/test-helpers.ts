import type { TestDaos } from '../../test/helpers/index.ts'
import { migrationsBootstrap, migrationsUp, openStorage, type Storage } from '../storage/index.ts'
import type { ChangeEvent } from './dao-types.ts'
import { createEntities } from './entities.ts'
import type { Entities } from './entities-types.ts'
import { createTestPluginRegistry } from './test-plugin-registry.ts'

/** Test plugins: a key-auth-like plugin with defaults, and a plugin that cannot be scoped to consumers. */
export const testRegistry = createTestPluginRegistry({
  'key-auth': {
    config: {
      type: 'object',
      properties: {
        key_names: { type: 'array', items: { type: 'string' }, default: ['apikey'] },
        hide_credentials: { type: 'boolean', default: false },
        limits: {
          type: 'object',
          properties: { minute: { type: 'integer' }, hour: { type: 'integer' } },
          additionalProperties: false,
          default: {},
        },
      },
      additionalProperties: false,
    },
  },
  cors: {
    config: {
      type: 'object',
      properties: { origins: { type: 'array', items: { type: 'string' } } },
      required: ['origins'],
      additionalProperties: false,
    },
    scoping: { noConsumer: true },
  },
})

export interface TestEntities {
  storage: Storage
  entities: Entities
  /** Id of the `default` workspace. */
  ws: string
  events: ChangeEvent[]
  close(): Promise<void>
}

/** A bootstrapped in-memory database with the entity layer over it. */
export async function openTestEntities(path = ':memory:', daos?: TestDaos): Promise<TestEntities> {
  const storage = await openStorage({ dialect: 'sqlite', path })
  await migrationsBootstrap(storage)
  if (daos) await migrationsUp(storage, daos.migrations)
  const entities = createEntities(storage, { plugins: testRegistry, schemas: daos?.schemas ?? [] })
  const events: ChangeEvent[] = []
  entities.onChange((event) => events.push(event))
  const ws = (await entities.workspaceByName('default'))?.id as string
  return { storage, entities, ws, events, close: () => storage.close() }
}

/** The GatewayError a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; fields?: unknown }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; fields?: unknown }
  }
  throw new Error('expected a rejection')
}

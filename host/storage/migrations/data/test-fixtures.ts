import type { EntitySchema } from '../../../entities/index.ts'
import type { MigrationData } from './data-migrations.ts'

/** Test DAOs and migrations of a key-auth-like plugin, as the loader would hand them over (tests only). */
const id = { id: { type: 'string', uuid: true, auto: true } } as const
const createdAt = { created_at: { type: 'integer', timestamp: true, auto: true } } as const

export const credentials: EntitySchema = {
  name: 'keyauth_credentials',
  primaryKey: ['id'],
  endpointKey: 'key',
  cacheKey: ['key'],
  workspaceable: true,
  ttl: true,
  fields: [
    id,
    createdAt,
    { consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' } },
    { key: { type: 'string', required: true, unique: true } },
    { tags: { type: 'set', elements: { type: 'string' } } },
  ],
}

/** A composite cache key: the gateway adds `cache_key`, unique per workspace. */
export const acls: EntitySchema = {
  name: 'acls',
  primaryKey: ['id'],
  cacheKey: ['consumer', 'group'],
  workspaceable: true,
  fields: [
    id,
    createdAt,
    { consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' } },
    { group: { type: 'string', required: true } },
  ],
}

/** Not workspaceable, one field of every scalar and container kind. */
export const counters: EntitySchema = {
  name: 'ratelimit_counters',
  primaryKey: ['id'],
  workspaceable: false,
  generateAdminApi: false,
  fields: [
    id,
    { hits: { type: 'integer', required: true, default: 0 } },
    { ratio: { type: 'number' } },
    { enabled: { type: 'boolean', default: true } },
    { meta: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } } },
    { seen_at: { type: 'integer', timestamp: true } },
  ],
}

export const daos: EntitySchema[] = [credentials, acls, counters]

export const base = {
  up: [
    {
      createTable: 'keyauth_credentials',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', notNull: true, references: 'consumers', onDelete: 'cascade' },
        key: { type: 'text', notNull: true },
        tags: { type: 'json' },
      },
      unique: [['key']],
    },
    {
      createIndex: 'keyauth_credentials_consumer_id_idx',
      table: 'keyauth_credentials',
      columns: ['consumer_id'],
    },
    {
      createTable: 'acls',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', references: 'consumers', onDelete: 'cascade' },
        group: { type: 'text', notNull: true },
      },
    },
  ],
}

export const counterTable = {
  up: [
    {
      createTable: 'ratelimit_counters',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        hits: { type: 'integer', notNull: true, default: 0 },
        ratio: { type: 'number' },
        enabled: { type: 'boolean', default: true },
        meta: { type: 'json', default: '{}' },
        seen_at: { type: 'timestamp' },
      },
    },
    { addColumn: 'last_used', table: 'keyauth_credentials', spec: { type: 'timestamp' } },
    {
      addColumn: 'note',
      table: 'keyauth_credentials',
      spec: { type: 'text', notNull: true, default: 'none' },
    },
    { addColumn: 'label', table: 'keyauth_credentials', spec: { type: 'text' } },
    {
      createIndex: 'keyauth_credentials_label_idx',
      table: 'keyauth_credentials',
      columns: ['label'],
      unique: true,
    },
    { createIndex: 'acls_group_idx', table: 'acls', columns: ['group'] },
  ],
}

export const migrations: MigrationData[] = [
  { name: '001_counters', value: counterTable },
  { name: '000_base', value: base },
]

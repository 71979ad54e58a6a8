import { randomUUID } from 'node:crypto'
import type { CreateTableBuilder } from 'kysely'
import type { Db } from '../../storage.ts'
import type { Migration } from '../types.ts'

/**
 * Core tables. Every workspaceable row has `ws_id`; names are unique per workspace. JSON values are
 * text and booleans integers so the same DDL runs on SQLite and PostgreSQL. Foreign keys guard
 * integrity; Kong's delete rules (restrict, cascade) and messages are applied by the DAO first.
 */
const timestamps = <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
  table
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())

async function up(db: Db): Promise<void> {
  await timestamps(
    db.schema
      .createTable('workspaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('comment', 'text')
      .addColumn('config', 'text')
      .addColumn('meta', 'text'),
  ).execute()

  await timestamps(
    db.schema
      .createTable('services')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', 'text')
      .addColumn('retries', 'integer')
      .addColumn('protocol', 'text')
      .addColumn('host', 'text')
      .addColumn('port', 'integer')
      .addColumn('path', 'text')
      .addColumn('connect_timeout', 'integer')
      .addColumn('write_timeout', 'integer')
      .addColumn('read_timeout', 'integer')
      .addColumn('tags', 'text')
      .addColumn('client_certificate_id', 'text')
      .addColumn('tls_verify', 'integer')
      .addColumn('tls_verify_depth', 'integer')
      .addColumn('ca_certificates', 'text')
      .addColumn('enabled', 'integer')
      .addUniqueConstraint('services_ws_name_unique', ['ws_id', 'name']),
  ).execute()

  await timestamps(
    db.schema
      .createTable('routes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', 'text')
      .addColumn('service_id', 'text', (c) => c.references('services.id'))
      .addColumn('protocols', 'text')
      .addColumn('methods', 'text')
      .addColumn('hosts', 'text')
      .addColumn('paths', 'text')
      .addColumn('headers', 'text')
      .addColumn('https_redirect_status_code', 'integer')
      .addColumn('regex_priority', 'integer')
      .addColumn('strip_path', 'integer')
      .addColumn('path_handling', 'text')
      .addColumn('preserve_host', 'integer')
      .addColumn('request_buffering', 'integer')
      .addColumn('response_buffering', 'integer')
      .addColumn('snis', 'text')
      .addColumn('sources', 'text')
      .addColumn('destinations', 'text')
      .addColumn('tags', 'text')
      .addUniqueConstraint('routes_ws_name_unique', ['ws_id', 'name']),
  ).execute()
  await db.schema.createIndex('routes_service_id_idx').on('routes').column('service_id').execute()

  await timestamps(
    db.schema
      .createTable('consumers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('username', 'text')
      .addColumn('custom_id', 'text')
      .addColumn('tags', 'text')
      .addUniqueConstraint('consumers_ws_username_unique', ['ws_id', 'username'])
      .addUniqueConstraint('consumers_ws_custom_id_unique', ['ws_id', 'custom_id']),
  ).execute()

  await timestamps(
    db.schema
      .createTable('plugins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('instance_name', 'text')
      .addColumn('route_id', 'text', (c) => c.references('routes.id').onDelete('cascade'))
      .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('cascade'))
      .addColumn('consumer_id', 'text', (c) => c.references('consumers.id').onDelete('cascade'))
      .addColumn('config', 'text')
      .addColumn('protocols', 'text')
      .addColumn('enabled', 'integer')
      .addColumn('tags', 'text')
      .addColumn('ordering', 'text')
      // Kong's cache_key: name, route, service and consumer; a plugin is unique per workspace on it.
      .addColumn('cache_key', 'text', (c) => c.notNull())
      .addUniqueConstraint('plugins_ws_cache_key_unique', ['ws_id', 'cache_key'])
      .addUniqueConstraint('plugins_ws_instance_name_unique', ['ws_id', 'instance_name']),
  ).execute()
  for (const column of ['route_id', 'service_id', 'consumer_id']) {
    await db.schema.createIndex(`plugins_${column}_idx`).on('plugins').column(column).execute()
  }

  // Kong's `tags` table: one row per (entity, tag), kept by the DAO, serving /tags and ?tags=.
  await db.schema
    .createTable('tags')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity_name', 'text', (c) => c.notNull())
    .addColumn('ws_id', 'text')
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tags_pkey', ['entity_id', 'tag'])
    .execute()
  await db.schema.createIndex('tags_ws_tag_idx').on('tags').columns(['ws_id', 'tag']).execute()

  // One counter bumped by every committed configuration change (snapshot versions across workers).
  await db.schema
    .createTable('config_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
  await db.insertInto('config_state').values({ key: 'config', version: 1 }).execute()

  const now = Math.floor(Date.now() / 1000)
  await db
    .insertInto('workspaces')
    .values({ id: randomUUID(), name: 'default', created_at: now, updated_at: now })
    .execute()
}

export const base: Migration = { name: '001_base', up }

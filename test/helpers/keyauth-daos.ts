import type { EntitySchema } from '../../host/entities/index.ts'
import type { MigrationSubsystem } from '../../host/storage/index.ts'

/** A key-auth credential DAO as the key-auth plugin declares it (Kong's daos.lua). */
export const keyAuthCredentials: EntitySchema = {
  name: 'keyauth_credentials',
  adminApiName: 'key-auths',
  adminApiNestedName: 'key-auth',
  primaryKey: ['id'],
  endpointKey: 'key',
  cacheKey: ['key'],
  workspaceable: true,
  ttl: true,
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' } },
    { key: { type: 'string', required: true, unique: true } },
    { tags: { type: 'set', elements: { type: 'string' } } },
  ],
}

/** The table its plugin migration creates, with the host-private `ttl` column (expiry, epoch ms). */
/** Plugin DAOs with the migrations that create their tables, as the entity and Admin API tests take them. */
export interface TestDaos {
  schemas: EntitySchema[]
  migrations: MigrationSubsystem[]
}

export const keyAuthDaos: TestDaos = {
  schemas: [keyAuthCredentials],
  migrations: [
    {
      name: 'key-auth',
      migrations: [
        {
          name: '001_credentials',
          up: async (db) => {
            await db.schema
              .createTable('keyauth_credentials')
              .addColumn('id', 'text', (c) => c.primaryKey())
              .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
              .addColumn('created_at', 'integer')
              .addColumn('consumer_id', 'text', (c) => c.references('consumers.id').onDelete('cascade'))
              .addColumn('key', 'text')
              .addColumn('tags', 'text')
              .addColumn('ttl', 'integer')
              .addUniqueConstraint('keyauth_ws_key', ['ws_id', 'key'])
              .execute()
          },
        },
      ],
    },
  ],
}

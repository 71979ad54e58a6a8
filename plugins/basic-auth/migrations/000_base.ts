import type { PluginMigration } from 'isogate/sdk'

/** Kong's 000_base_basic_auth: the credentials table, dropped with their consumer. */
export default {
  up: [
    {
      createTable: 'basicauth_credentials',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', references: 'consumers', onDelete: 'cascade' },
        username: { type: 'text', notNull: true },
        password: { type: 'text', notNull: true },
        tags: { type: 'json' },
      },
      unique: [['username']],
    },
    {
      createIndex: 'basicauth_credentials_consumer_id_idx',
      table: 'basicauth_credentials',
      columns: ['consumer_id'],
    },
  ],
} satisfies PluginMigration

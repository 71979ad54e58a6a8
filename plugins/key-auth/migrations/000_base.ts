import type { PluginMigration } from 'isogate/sdk'

/** Kong's 000_base_key_auth (the gateway adds `ws_id` and `ttl` itself). */
export default {
  up: [
    {
      createTable: 'keyauth_credentials',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', references: 'consumers', onDelete: 'cascade' },
        key: { type: 'text' },
        tags: { type: 'json' },
      },
      unique: [['key']],
    },
    {
      createIndex: 'keyauth_credentials_consumer_id_idx',
      table: 'keyauth_credentials',
      columns: ['consumer_id'],
    },
  ],
} satisfies PluginMigration

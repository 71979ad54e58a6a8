import type { PluginMigration } from 'isogate/sdk'

/** Kong's `acls` table; one group once per consumer (the gateway adds `cache_key`, unique too). */
export default {
  up: [
    {
      createTable: 'acls',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', notNull: true, references: 'consumers', onDelete: 'cascade' },
        group: { type: 'text', notNull: true },
        tags: { type: 'json' },
      },
      unique: [['consumer_id', 'group']],
    },
    { createIndex: 'acls_consumer_id', table: 'acls', columns: ['consumer_id'] },
    { createIndex: 'acls_group', table: 'acls', columns: ['group'] },
  ],
} satisfies PluginMigration

import type { PluginMigration } from 'isogate/sdk'

/** The usage_records table (the gateway adds `ws_id` and `ttl` itself), indexed for per-consumer reads. */
export default {
  up: [
    {
      createTable: 'usage_records',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', notNull: true, references: 'consumers', onDelete: 'cascade' },
        route_id: { type: 'uuid', references: 'routes', onDelete: 'set null' },
        method: { type: 'text' },
        status: { type: 'integer' },
      },
    },
    { createIndex: 'usage_records_consumer_id_idx', table: 'usage_records', columns: ['consumer_id'] },
  ],
} satisfies PluginMigration

import type { DaoSchema } from 'isogate/sdk'

/**
 * One row per proxied request of an authenticated consumer. Rows expire (`ttl`), go with their
 * consumer, and outlive their route (the reference is cleared). Generated Admin API:
 * `/usage-records` and `/consumers/{consumer}/usage`.
 */
export default [
  {
    name: 'usage_records',
    primaryKey: ['id'],
    ttl: true,
    adminApiName: 'usage-records',
    adminApiNestedName: 'usage',
    fields: [
      { id: { type: 'string', uuid: true, auto: true } },
      { created_at: { type: 'integer', timestamp: true, auto: true } },
      { consumer: { type: 'foreign', reference: 'consumers', required: true, onDelete: 'cascade' } },
      { route: { type: 'foreign', reference: 'routes', onDelete: 'null' } },
      { method: { type: 'string' } },
      { status: { type: 'integer' } },
    ],
  },
] satisfies DaoSchema[]

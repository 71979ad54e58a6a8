import type { DaoSchema } from 'isogate/sdk'

/** Kong 3.x's `acls`: one row per (consumer, group). */
export default [
  {
    name: 'acls',
    primaryKey: ['id'],
    cacheKey: ['consumer', 'group'],
    // The consumer's group list is cached under cacheKey(consumer id); a row change drops it.
    alsoInvalidates: [['consumer']],
    adminApiName: 'acls',
    adminApiNestedName: 'acls',
    fields: [
      { id: { type: 'string', uuid: true, auto: true } },
      { created_at: { type: 'integer', timestamp: true, auto: true } },
      { consumer: { type: 'foreign', reference: 'consumers', required: true, onDelete: 'cascade' } },
      { group: { type: 'string', required: true } },
      {
        tags: {
          type: 'set',
          description: 'A set of strings representing tags.',
          elements: { type: 'string' },
        },
      },
    ],
  },
] satisfies DaoSchema[]

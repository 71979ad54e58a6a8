import type { DaoSchema } from 'isogate/sdk'

/** Kong's keyauth_credentials: a consumer's API keys, unique per workspace, optionally expiring. */
export default [
  {
    name: 'keyauth_credentials',
    primaryKey: ['id'],
    endpointKey: 'key',
    cacheKey: ['key'],
    ttl: true,
    adminApiName: 'key-auths',
    adminApiNestedName: 'key-auth',
    fields: [
      { id: { type: 'string', uuid: true, auto: true } },
      { created_at: { type: 'integer', timestamp: true, auto: true } },
      { consumer: { type: 'foreign', reference: 'consumers', required: true, onDelete: 'cascade' } },
      // `auto`: a random 32-hex key is generated when none is given.
      { key: { type: 'string', unique: true, auto: true } },
      { tags: { type: 'set', elements: { type: 'string' } } },
    ],
  },
] satisfies DaoSchema[]

import type { DaoSchema } from 'isogate/sdk'

/**
 * Kong's basicauth_credentials. Kong hashes `password` in a DAO transformation
 * (sha1(password .. consumer id)); here the gateway does it for every `hashed` field: it stores a
 * scrypt hash (kong.crypto.hashPassword's format) and only ever answers with that hash.
 */
export default [
  {
    name: 'basicauth_credentials',
    primaryKey: ['id'],
    cacheKey: ['username'],
    endpointKey: 'username',
    adminApiName: 'basic-auths',
    adminApiNestedName: 'basic-auth',
    fields: [
      { id: { type: 'string', uuid: true, auto: true } },
      { created_at: { type: 'integer', timestamp: true, auto: true } },
      { consumer: { type: 'foreign', reference: 'consumers', required: true, onDelete: 'cascade' } },
      { username: { type: 'string', required: true, unique: true } },
      { password: { type: 'string', required: true, hashed: true } },
      { tags: { type: 'set', elements: { type: 'string' } } },
    ],
  },
] satisfies DaoSchema[]

/**
 * The one table of error codes. Each string code maps to Kong's numeric DAO code (db/errors.lua),
 * Kong's error name and the HTTP status the Admin API answers with.
 */
export const ERROR_CODES = {
  INVALID_PRIMARY_KEY: { kong: 1, name: 'invalid primary key', status: 400 },
  SCHEMA_VIOLATION: { kong: 2, name: 'schema violation', status: 400 },
  PRIMARY_KEY_VIOLATION: { kong: 3, name: 'primary key violation', status: 400 },
  FOREIGN_KEY_VIOLATION: { kong: 4, name: 'foreign key violation', status: 400 },
  UNIQUE_VIOLATION: { kong: 5, name: 'unique constraint violation', status: 409 },
  NOT_FOUND: { kong: 6, name: 'not found', status: 404 },
  INVALID_OFFSET: { kong: 7, name: 'invalid offset', status: 400 },
  DATABASE_ERROR: { kong: 8, name: 'database error', status: 500 },
  INVALID_SIZE: { kong: 9, name: 'invalid size', status: 400 },
  INVALID_UNIQUE: { kong: 10, name: 'invalid unique', status: 400 },
  INVALID_OPTIONS: { kong: 11, name: 'invalid options', status: 400 },
  OPERATION_UNSUPPORTED: { kong: 12, name: 'operation unsupported', status: 405 },
  FOREIGN_KEYS_UNRESOLVED: { kong: 13, name: 'foreign keys unresolved', status: 400 },
  DECLARATIVE_CONFIG: { kong: 14, name: 'invalid declarative configuration', status: 400 },
  TRANSFORMATION_ERROR: { kong: 15, name: 'transformation error', status: 400 },
  INVALID_FOREIGN_KEY: { kong: 16, name: 'invalid foreign key', status: 400 },
  INVALID_WORKSPACE: { kong: 17, name: 'invalid workspace', status: 400 },
  INVALID_UNIQUE_GLOBAL: { kong: 18, name: 'invalid global query', status: 400 },
  REFERENCED_BY_OTHERS: { kong: 19, name: 'referenced by others', status: 400 },
} as const

export type ErrorCode = keyof typeof ERROR_CODES

import { describe, expect, it } from 'vitest'
import type { EntitySchema } from '../../../entities/index.ts'
import { dataMigrations } from './index.ts'
import { acls, base, counters as counterDao, credentials, daos } from './test-fixtures.ts'

/** The one-line error for a plugin whose `000_base` is `base` followed by `value`'s steps (as `001_more`). */
function refusal(more: unknown, entities: readonly EntitySchema[] = daos): string {
  try {
    dataMigrations(
      'key-auth',
      [
        { name: '000_base', value: base },
        { name: '001_more', value: more },
      ],
      entities,
    )
  } catch (error) {
    expect(error).toMatchObject({ name: 'UserError', code: 'PLUGIN_INVALID' })
    return (error as Error).message
  }
  throw new Error('not refused')
}

const prefix = 'plugin key-auth: migrations/001_more.ts: '
const step = (value: unknown) => refusal({ up: [value] }).replace(prefix, '')
const counters = (columns: unknown, unique?: unknown) =>
  step({ createTable: 'ratelimit_counters', columns, ...(unique === undefined ? {} : { unique }) })
const column = (spec: unknown) => counters({ id: { type: 'uuid', primaryKey: true }, x: spec })
const addColumn = (name: string, spec: unknown, table = 'keyauth_credentials') =>
  step({ addColumn: name, table, spec })

describe('plugin migrations are refused up front, with one precise line', () => {
  it('when the file is not { up: [...] }', () => {
    expect(refusal(null)).toBe(`${prefix}the default export must be an object { up: [...steps] }`)
    expect(refusal({ up: {} })).toBe(`${prefix}the default export must be an object { up: [...steps] }`)
    expect(refusal({ up: [], down: [] })).toBe(`${prefix}unknown key 'down' (expected up)`)
    expect(step('createTable')).toBe(`up[0]: a step must be an object, not 'createTable'`)
    expect(() => dataMigrations('key-auth', [{ name: 'base', value: base }], daos)).toThrow(
      'plugin key-auth: migrations/base.ts: the file name must be NNN_<name>.ts (three digits, then lower case letters, digits and _)',
    )
  })

  it('when a step has an unknown kind, several kinds or unknown keys', () => {
    expect(step({ dropTable: 'acls' })).toBe(
      `up[0]: unknown step kind 'dropTable' (one of createTable, addColumn, createIndex)`,
    )
    expect(step({})).toBe('up[0]: unknown step kind {} (one of createTable, addColumn, createIndex)')
    expect(step({ createTable: 'acls', addColumn: 'x' })).toBe(
      'up[0]: a step is one of createTable, addColumn, createIndex, not createTable and addColumn',
    )
    expect(step({ createIndex: 'acls_x', table: 'acls', columns: ['group'], where: 'x' })).toBe(
      `up[0]: createIndex 'acls_x': unknown key 'where' (expected createIndex, table, columns, unique)`,
    )
  })

  it('when a name is not an identifier', () => {
    const rule = '(lower case letters, digits and _, starting with a letter, at most 63 characters)'
    expect(step({ createTable: 'Acls', columns: {} })).toBe(
      `up[0]: createTable name 'Acls' is not a valid name ${rule}`,
    )
    expect(column(undefined)).toBe(
      `up[0]: createTable 'ratelimit_counters': column 'x': a column spec must be an object like { type: 'text' }, not undefined`,
    )
    expect(counters({ 'drop table x;': { type: 'text' } })).toBe(
      `up[0]: createTable 'ratelimit_counters': column name "drop table x;" is not a valid name ${rule}`,
    )
    expect(addColumn('a'.repeat(64), { type: 'text' })).toBe(
      `up[0]: column name "${'a'.repeat(36)}... is longer than 63 characters`,
    )
    expect(step({ createIndex: 'acls_x', table: 42, columns: ['group'] })).toBe(
      `up[0]: createIndex 'acls_x': table must be a string, not 42`,
    )
    expect(step({ createIndex: 'acls_x', table: 'acls', columns: ['Group'] })).toBe(
      `up[0]: createIndex 'acls_x': columns column 'Group' is not a valid name ${rule}`,
    )
  })

  it('when a column spec is wrong', () => {
    const at = `up[0]: createTable 'ratelimit_counters': column 'x': `
    expect(column({ type: 'varchar' })).toBe(
      `${at}unknown column type 'varchar' (one of text, integer, number, boolean, uuid, json, timestamp)`,
    )
    expect(column({ type: 'text', unique: true })).toBe(
      `${at}unknown key 'unique' (expected type, primaryKey, notNull, references, onDelete, default)`,
    )
    expect(column({ type: 'text', notNull: 'yes' })).toBe(`${at}notNull must be true or false, not 'yes'`)
    expect(column({ type: 'integer', references: 'consumers' })).toBe(
      `${at}a column with references holds an id: its type must be uuid or text, not integer`,
    )
    expect(column({ type: 'uuid', onDelete: 'cascade' })).toBe(`${at}onDelete needs references`)
    expect(column({ type: 'uuid', references: 'consumers', onDelete: 'explode' })).toBe(
      `${at}onDelete 'explode' is not one of cascade, restrict, set null`,
    )
    expect(column({ type: 'uuid', references: 'consumers', default: 'x' })).toBe(
      `${at}a column with references cannot have a default`,
    )
    expect(column({ type: 'integer', default: 1.5 })).toBe(`${at}default 1.5 does not fit type integer`)
    expect(column({ type: 'boolean', default: 1 })).toBe(`${at}default 1 does not fit type boolean`)
    expect(column({ type: 'json', default: '{' })).toBe(`${at}default "{" is not JSON text`)
  })

  it('when a table is not one of the plugin entities', () => {
    expect(step({ createTable: 'users', columns: { id: { type: 'uuid', primaryKey: true } } })).toBe(
      `up[0]: createTable 'users': table 'users' is not one of the plugin's entities; it may use keyauth_credentials, acls, ratelimit_counters`,
    )
    expect(addColumn('x', { type: 'text' }, 'consumers')).toBe(
      `up[0]: addColumn 'x': table 'consumers' is not one of the plugin's entities; it may use keyauth_credentials, acls, ratelimit_counters`,
    )
    const alone = refusal({ up: [] }, []).replace(/^plugin key-auth: migrations\/000_base.ts: /, '')
    expect(alone).toBe(
      `up[0]: createTable 'keyauth_credentials': table 'keyauth_credentials' is not one of the plugin's entities; its daos.ts declares none`,
    )
  })

  it('when references names a table that is neither core nor the plugin own', () => {
    expect(column({ type: 'uuid', references: 'users' })).toBe(
      `up[0]: createTable 'ratelimit_counters': column 'x' references 'users', which is neither a core entity table (consumers, plugins, routes, services, workspaces) nor one of the plugin's tables (keyauth_credentials, acls, ratelimit_counters)`,
    )
    expect(column({ type: 'uuid', references: 'tags' })).toContain(
      `column 'x' references 'tags', which is neither`,
    )
    // its own tables: those created earlier, and the one being created
    const lean = [credentials, acls, { ...counterDao, fields: counterDao.fields.slice(0, 1) }]
    for (const target of ['ratelimit_counters', 'acls']) {
      const columns = { id: { type: 'uuid', primaryKey: true }, x: { type: 'uuid', references: target } }
      expect(() => refusal({ up: [{ createTable: 'ratelimit_counters', columns }] }, lean)).toThrow(
        'not refused',
      )
    }
    const later = { ...counterDao, name: 'later', fields: counterDao.fields.slice(0, 1) }
    const columns = { id: { type: 'uuid', primaryKey: true }, x: { type: 'uuid', references: 'later' } }
    expect(refusal({ up: [{ createTable: 'ratelimit_counters', columns }] }, [...lean, later])).toBe(
      `${prefix}up[0]: createTable 'ratelimit_counters': column 'x' references 'later', which no earlier step creates`,
    )
    expect(refusal({ up: [] }, [credentials, acls, later])).toBe(
      "plugin key-auth: migrations: no migration creates the table of entity 'later' (daos.ts)",
    )
  })

  it('when a table, column or index exists already', () => {
    expect(step({ createTable: 'acls', columns: { id: { type: 'uuid', primaryKey: true } } })).toBe(
      `up[0]: createTable 'acls': table 'acls' is already created by migrations/000_base.ts`,
    )
    expect(addColumn('key', { type: 'text' })).toBe(
      `up[0]: addColumn 'key': table 'keyauth_credentials' already has a column 'key'`,
    )
    expect(addColumn('ws_id', { type: 'uuid' })).toBe(
      `up[0]: addColumn 'ws_id': column 'ws_id' is added by the gateway (the entity is workspaceable)`,
    )
    expect(addColumn('ttl', { type: 'timestamp' })).toBe(
      `up[0]: addColumn 'ttl': column 'ttl' is added by the gateway (the entity has ttl)`,
    )
    expect(addColumn('cache_key', { type: 'text' }, 'acls')).toBe(
      `up[0]: addColumn 'cache_key': column 'cache_key' is added by the gateway (the entity has a composite cacheKey)`,
    )
    expect(
      step({
        createIndex: 'keyauth_credentials_consumer_id_idx',
        table: 'keyauth_credentials',
        columns: ['key'],
      }),
    ).toBe(
      `up[0]: createIndex 'keyauth_credentials_consumer_id_idx': index name 'keyauth_credentials_consumer_id_idx' is already used by an earlier step`,
    )
  })

  it('when a createTable has no primary key or a bad unique set', () => {
    expect(counters({ id: { type: 'uuid' } })).toBe(
      `up[0]: createTable 'ratelimit_counters': the table has no primary key (mark a column primaryKey: true)`,
    )
    expect(
      counters({ id: { type: 'uuid', primaryKey: true }, at: { type: 'integer', primaryKey: true } }),
    ).toBe(`up[0]: createTable 'ratelimit_counters': only one column may be the primary key, not id, at`)
    expect(counters({})).toBe(`up[0]: createTable 'ratelimit_counters': columns is empty`)
    const id = { id: { type: 'uuid', primaryKey: true }, a: { type: 'text' } }
    expect(counters(id, [['a', 'b']])).toBe(
      `up[0]: createTable 'ratelimit_counters': unique[0] names column 'b', which the table does not have`,
    )
    expect(counters(id, [['a', 'a']])).toBe(
      `up[0]: createTable 'ratelimit_counters': unique[0] names column 'a' twice`,
    )
    expect(counters(id, [[]])).toBe(
      `up[0]: createTable 'ratelimit_counters': unique[0] must be a non-empty list of column names`,
    )
    expect(counters(id, ['a'])).toBe(
      `up[0]: createTable 'ratelimit_counters': unique[0] must be a non-empty list of column names`,
    )
  })

  it('when addColumn or createIndex cannot apply to the table as it is', () => {
    expect(addColumn('x', { type: 'text' }, 'ratelimit_counters')).toBe(
      `up[0]: addColumn 'x': table 'ratelimit_counters' is not created by an earlier step`,
    )
    expect(addColumn('x', { type: 'uuid', primaryKey: true })).toBe(
      `up[0]: addColumn 'x': a primary key column cannot be added to an existing table`,
    )
    expect(addColumn('x', { type: 'text', notNull: true })).toBe(
      `up[0]: addColumn 'x': a notNull column added to an existing table needs a non-null default (for the rows already there)`,
    )
    expect(step({ createIndex: 'by_key', table: 'keyauth_credentials', columns: ['key'] })).toBe(
      `up[0]: createIndex 'by_key': the index name must start with 'keyauth_credentials_' (index names are shared by all tables)`,
    )
    expect(step({ createIndex: 'acls_x', table: 'acls', columns: ['name'] })).toBe(
      `up[0]: createIndex 'acls_x': table 'acls' has no column 'name'`,
    )
  })

  it('when the tables do not hold what daos.ts declares', () => {
    const withField = (field: Record<string, unknown>) => [
      { ...credentials, fields: [...credentials.fields, field] } as EntitySchema,
      ...daos.slice(1),
    ]
    const at = "plugin key-auth: migrations/000_base.ts: table 'keyauth_credentials': "
    expect(refusal({ up: [] }, withField({ owner: { type: 'foreign', reference: 'consumers' } }))).toBe(
      `${at}field 'owner' (foreign) of daos.ts needs a column 'owner_id' (uuid or text)`,
    )
    expect(refusal({ up: [] }, withField({ last_used: { type: 'boolean' } }))).toBe(
      "plugin key-auth: migrations/000_base.ts: table 'keyauth_credentials': field 'last_used' (boolean) of daos.ts needs a column 'last_used' (boolean)",
    )
    const added = { up: [{ addColumn: 'enabled', table: 'keyauth_credentials', spec: { type: 'text' } }] }
    expect(refusal(added, withField({ enabled: { type: 'boolean' } }))).toBe(
      `${at}field 'enabled' (boolean) of daos.ts is stored in column 'enabled' of type text; declare it boolean`,
    )
    expect(refusal({ up: [] }, [{ ...credentials, primaryKey: ['key'] }, ...daos.slice(1)])).toBe(
      `${at}the primary key is (id), but daos.ts declares (key)`,
    )
  })
})

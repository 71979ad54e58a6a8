import { GatewayError } from '../../errors/index.ts'
import type { EntitySchema } from '../schema-types.ts'
import { isUuid } from '../validate/field.ts'
import { luaPretty } from '../validate/field-errors.ts'
import { isPlainObject } from '../validate/field-list.ts'

type Row = Record<string, unknown>

/** Kong's NOT_FOUND for a URL key: by primary key (a UUID, or no endpoint key) or by endpoint key. */
export function notFoundByKey(schema: EntitySchema, key: string): GatewayError {
  const field = isUuid(key) || !schema.endpointKey ? 'id' : schema.endpointKey
  const message =
    field === 'id'
      ? `could not find the entity with primary key '${luaPretty({ id: key })}'`
      : `could not find the entity with '${luaPretty({ [field]: key })}'`
  return new GatewayError('NOT_FOUND', message, { [field]: key })
}

/** PUT: the URL key names the entity (its id, or its endpoint key when not a UUID). */
export function withUrlKey(schema: EntitySchema, input: unknown, key: string, existing: Row | null): unknown {
  if (!isPlainObject(input)) return input
  const data: Row = { ...input }
  if (existing) {
    data.id = existing.id
    if (!isUuid(key) && schema.endpointKey) data[schema.endpointKey] = key
    if (data.created_at === undefined) data.created_at = existing.created_at
  } else if (isUuid(key)) {
    data.id = key
  } else if (schema.endpointKey) {
    data[schema.endpointKey] = key
  } else {
    throw notFoundByKey(schema, key)
  }
  return data
}

import type { ErrorObject } from 'ajv'
import { isMapSchema, isSchema } from './json-schema-walk.ts'

/** Lua's tostring as Kong's messages use it: strings bare, everything else as JSON. */
const luaText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value))

function typeMessage(type: unknown, parent: unknown): string {
  const types = (Array.isArray(type) ? type : String(type).split(',')).filter((name) => name !== 'null')
  switch (types[0]) {
    case undefined:
      return 'value must be null'
    case 'object':
      return isSchema(parent) && isMapSchema(parent) ? 'expected a map' : 'expected a record'
    case 'array':
      return isSchema(parent) && parent.uniqueItems === true ? 'expected a set' : 'expected an array'
    case 'integer':
      return 'expected an integer'
    default:
      return `expected a ${types[0]}`
  }
}

/** Kong's `between` when both bounds are declared; one-sided bounds have no Kong text. */
function boundsMessage(error: ErrorObject): string {
  const parent = isSchema(error.parentSchema) ? error.parentSchema : {}
  const { minimum, maximum } = parent
  if (typeof minimum === 'number' && typeof maximum === 'number') {
    return `value should be between ${minimum} and ${maximum}`
  }
  return error.keyword === 'minimum'
    ? `value must be at least ${String(error.params.limit)}`
    : `value must be at most ${String(error.params.limit)}`
}

/**
 * Kong's field message (kong/db/schema/init.lua `validation_errors`) for one ajv error; keywords
 * Kong has no counterpart for keep ajv's own message.
 */
export function kongMessage(error: ErrorObject): string {
  const { params } = error
  switch (error.keyword) {
    case 'type':
      return typeMessage(params.type, error.parentSchema)
    case 'required':
    case 'dependentRequired':
    case 'dependencies':
      return 'required field missing'
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'unknown field'
    case 'enum':
      return `expected one of: ${(params.allowedValues as unknown[]).map(luaText).join(', ')}`
    case 'const':
      return `value must be ${luaText(params.allowedValue)}`
    case 'minimum':
    case 'maximum':
      return boundsMessage(error)
    case 'exclusiveMinimum':
      return `value must be greater than ${String(params.limit)}`
    case 'exclusiveMaximum':
      return `value must be less than ${String(params.limit)}`
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return `length must be at least ${String(params.limit)}`
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return `length must be at most ${String(params.limit)}`
    case 'pattern':
      return `invalid value: ${luaText(error.data)}`
    case 'format':
      return params.format === 'uuid' ? 'expected a valid UUID' : `invalid value: ${luaText(error.data)}`
    case 'uniqueItems':
      return 'values must be unique'
    case 'propertyNames':
      return `invalid key: ${String(params.propertyName)}`
    default:
      return error.message ?? 'invalid value'
  }
}

/** Which message wins when one field gets several: Kong's validator order (type first, then eq, one_of, ...). */
export function messageRank(keyword: string): number {
  const order = [
    'type',
    'required',
    'additionalProperties',
    'const',
    'enum',
    'exclusiveMinimum',
    'minimum',
    'maximum',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
    'pattern',
    'format',
  ]
  const rank = order.indexOf(keyword)
  return rank === -1 ? order.length : rank
}

import type { ErrorObject } from 'ajv'
import { kongMessage, messageRank } from './error-message.ts'
import {
  isMapSchema,
  isSchema,
  itemSchema,
  type JsonSchema,
  mapValueSchema,
  propertySchema,
} from './json-schema-walk.ts'
import type { ConfigError, ConfigErrors } from './types.ts'

/** Branch failures of anyOf/oneOf (the combinator reports the failure once), and `if` itself. */
const BRANCH = /\/(anyOf|oneOf)\/\d+(\/|$)/

/** The keyword's own child, for errors ajv reports on the parent object. */
function childKey(error: ErrorObject): string | undefined {
  const { params } = error
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
    case 'dependencies':
      return params.missingProperty as string
    case 'additionalProperties':
      return params.additionalProperty as string
    case 'unevaluatedProperties':
      return params.unevaluatedProperty as string
    default:
      return undefined
  }
}

function segments(error: ErrorObject): string[] {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
  const child = childKey(error)
  if (child !== undefined) path.push(child)
  return path
}

/**
 * Kong reports a map's problems (bad keys, bad values) on the map itself: cut the path at the
 * first key of a map, or of an undeclared key of an object whose other keys follow a value schema.
 */
function cutAtMap(path: string[], data: unknown, root: JsonSchema): string[] {
  let schema: JsonSchema | undefined = root
  let value = data
  for (let i = 0; i < path.length && schema; i++) {
    const key = path[i] as string
    if (Array.isArray(value)) {
      schema = itemSchema(schema, Number(key), root)
    } else {
      const declared = propertySchema(schema, key, root)
      if (isMapSchema(schema) || (!declared && mapValueSchema(schema, key, root))) return path.slice(0, i)
      schema = declared
    }
    value = isSchema(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined
  }
  return path
}

type Node = ConfigErrors | (ConfigError | null)[]

/**
 * Ajv's errors as Kong's `fields` tree (relative to `config`): nested objects per record field,
 * per-index lists (null for valid elements) for arrays, one message per field. Sub-field errors
 * win over a message on their parent, and between two messages Kong's validator order decides.
 * Messages about the config object itself go to `@entity`, as Kong's entity checks do.
 */
export function toConfigErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  root: JsonSchema,
): ConfigErrors {
  const tree: ConfigErrors = {}
  const ranks = new Map<string, number>()
  for (const error of errors) {
    if (BRANCH.test(error.schemaPath) || error.keyword === 'if' || error.propertyName !== undefined) continue
    const path = cutAtMap(segments(error), data, root)
    const message = kongMessage(error)
    if (path.length === 0) {
      const list = (tree['@entity'] ?? []) as string[]
      if (!list.includes(message)) list.push(message)
      tree['@entity'] = list
      continue
    }
    let node: Node = tree
    let value = data
    for (const key of path.slice(0, -1)) {
      value = isSchema(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined
      node = childNode(node, key, value)
    }
    const last = path[path.length - 1] as string
    const at = path.join('\u0000')
    const existing = read(node, last)
    const rank = messageRank(error.keyword)
    if (
      existing === undefined ||
      existing === null ||
      (typeof existing === 'string' && rank < (ranks.get(at) ?? 0))
    ) {
      write(node, last, message)
      ranks.set(at, rank)
    }
  }
  return tree
}

// Keys come from the config being validated: own properties only, so `__proto__` stays a plain key.
function read(node: Node, key: string): ConfigError | null | undefined {
  if (Array.isArray(node)) return node[Number(key)]
  return Object.hasOwn(node, key) ? node[key] : undefined
}

function write(node: Node, key: string, error: ConfigError): void {
  if (Array.isArray(node)) node[Number(key)] = error
  else
    Object.defineProperty(node, key, { value: error, enumerable: true, writable: true, configurable: true })
}

/** The container for a sub-field's errors; replaces a plain message there (sub-field errors win). */
function childNode(node: Node, key: string, value: unknown): Node {
  const existing = read(node, key)
  if (typeof existing === 'object' && existing !== null) return existing as Node
  const created: Node = Array.isArray(value) ? value.map(() => null) : {}
  write(node, key, created)
  return created
}

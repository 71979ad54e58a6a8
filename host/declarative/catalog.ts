import type { EntitySchema } from '../entities/index.ts'

/** What the declarative format needs to know about one entity: its keys and its parents. */
export interface DeclarativeEntity {
  name: string
  /** Unique field that references may use instead of the id (`name`, `username`). */
  endpointKey?: string
  /** Whether `endpointKey` is unique on its own (else Kong composes it with the parent's id). */
  endpointKeyUnique: boolean
  /** Kong's `cache_key` fields, used for stable ids of entities without an endpoint key. */
  cacheKey?: { field: string; required: boolean }[]
  /** Foreign key fields → referenced entity, in schema order. */
  foreign: Record<string, string>
  /** Foreign key fields deleted with their parent (Kong composes non-unique endpoint keys with them). */
  cascade?: readonly string[]
  /** Known field names; when absent (the built-in catalog) fields are left to the DAOs to check. */
  fields?: ReadonlySet<string>
}

/** Kong's core entities the declarative format carries, parents first. */
export const CORE_CATALOG: readonly DeclarativeEntity[] = [
  { name: 'services', endpointKey: 'name', endpointKeyUnique: true, foreign: {} },
  { name: 'routes', endpointKey: 'name', endpointKeyUnique: true, foreign: { service: 'services' } },
  { name: 'consumers', endpointKey: 'username', endpointKeyUnique: true, foreign: {} },
  {
    name: 'plugins',
    endpointKey: 'instance_name',
    endpointKeyUnique: true,
    cacheKey: [
      { field: 'name', required: true },
      { field: 'route', required: false },
      { field: 'service', required: false },
      { field: 'consumer', required: false },
    ],
    foreign: { route: 'routes', service: 'services', consumer: 'consumers' },
  },
]

/** Kong's `shorthand_fields`: accepted on input, expanded by the DAO, absent from the schema's fields. */
const SHORTHAND_FIELDS: Record<string, readonly string[]> = { services: ['url'] }

/** Kong's order of the core collections in a declarative file; other entities follow. */
const CORE_ORDER = ['services', 'routes', 'consumers', 'plugins']

function fromSchema(schema: EntitySchema): DeclarativeEntity {
  const definitions = new Map(schema.fields.flatMap((pair) => Object.entries(pair)))
  const foreign: Record<string, string> = {}
  const cascade: string[] = []
  for (const [field, definition] of definitions) {
    if (definition.type !== 'foreign' || !definition.reference) continue
    foreign[field] = definition.reference
    if (definition.on_delete === 'cascade') cascade.push(field)
  }
  const endpointKey = schema.endpointKey
  return {
    name: schema.name,
    ...(endpointKey ? { endpointKey } : {}),
    endpointKeyUnique: endpointKey ? definitions.get(endpointKey)?.unique === true : false,
    ...(schema.cacheKey
      ? {
          cacheKey: schema.cacheKey.map((field) => ({
            field,
            required: definitions.get(field)?.required === true,
          })),
        }
      : {}),
    foreign,
    cascade,
    fields: new Set([
      ...definitions.keys(),
      ...(SHORTHAND_FIELDS[schema.name] ?? []),
      ...(schema.ttl ? ['ttl'] : []),
    ]),
  }
}

/**
 * The catalog for a set of entity schemas (core and plugin DAO entities), `workspaces` left out,
 * sorted so every entity comes after the entities it references.
 */
export function catalogFromSchemas(schemas: readonly EntitySchema[]): DeclarativeEntity[] {
  const rank = (name: string) => (CORE_ORDER.includes(name) ? CORE_ORDER.indexOf(name) : CORE_ORDER.length)
  const pending = schemas
    .filter((schema) => schema.name !== 'workspaces')
    .sort((a, b) => rank(a.name) - rank(b.name))
    .map(fromSchema)
  // References to entities outside the set (Kong's `certificates`) do not hold anything back.
  const known = new Set(pending.map((entity) => entity.name))
  const sorted: DeclarativeEntity[] = []
  const placed = new Set<string>(['workspaces'])
  // Each pass places at least one entity unless the references form a cycle; bounded by the count.
  for (let pass = 0; pending.length > 0 && pass <= schemas.length; pass++) {
    for (let i = 0; i < pending.length; i++) {
      const entity = pending[i]!
      const ready = Object.values(entity.foreign).every(
        (ref) => placed.has(ref) || ref === entity.name || !known.has(ref),
      )
      if (ready) {
        sorted.push(entity)
        placed.add(entity.name)
        pending.splice(i--, 1)
      }
    }
  }
  return [...sorted, ...pending]
}

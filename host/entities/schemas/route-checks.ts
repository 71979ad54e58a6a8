import { isNonEmpty, quotedList } from '../validate/entity-checks.ts'
import { addEntityError, type FieldErrorMap } from '../validate/field-errors.ts'

/**
 * Kong's route subschemas (routes_subschemas.lua), keyed by the first protocol that has one:
 * fields a protocol family forbids, and the fields it needs at least one of.
 */
type Family = 'http' | 'stream' | 'grpc'
type Row = Record<string, unknown>

const FAMILY: Record<string, Family> = {
  http: 'http',
  https: 'http',
  tcp: 'stream',
  tls: 'stream',
  udp: 'stream',
  tls_passthrough: 'stream',
  grpc: 'grpc',
  grpcs: 'grpc',
}

function familyOf(protocols: unknown): Family | null {
  if (!Array.isArray(protocols)) return null
  for (const protocol of protocols) {
    const family = FAMILY[protocol as string]
    if (family) return family
  }
  return null
}

const FORBIDDEN: Record<Family, [string[], string]> = {
  http: [['sources', 'destinations'], "'http' or 'https'"],
  stream: [['methods', 'hosts', 'paths', 'headers'], "'tcp', 'tls', 'tls_passthrough' or 'udp'"],
  grpc: [['methods', 'sources', 'destinations'], "'grpc' or 'grpcs'"],
}

/** Subschema defaults: gRPC routes do not strip paths. */
export function routeDefaults(route: Row): void {
  if (route.strip_path === undefined && familyOf(route.protocols) === 'grpc') route.strip_path = false
}

function needOneOf(route: Row, names: string[], message: string, errors: FieldErrorMap): void {
  if (names.some((name) => isNonEmpty(route[name]))) return
  addEntityError(errors, message.replace('%s', quotedList(names)))
}

/** Runs the subschema rules on a complete (defaulted or merged) route; adds Kong's messages. */
export function routeChecks(route: Row, errors: FieldErrorMap): void {
  const family = familyOf(route.protocols)
  if (!family) return
  const [fields, label] = FORBIDDEN[family]
  for (const field of fields) {
    if (route[field] != null) errors[field] = `cannot set '${field}' when 'protocols' is ${label}`
  }
  const protocols = route.protocols as string[]
  if (family === 'http') {
    if (protocols.includes('https')) {
      needOneOf(
        route,
        ['methods', 'hosts', 'headers', 'paths', 'snis'],
        "must set one of %s when 'protocols' is 'https'",
        errors,
      )
    } else {
      needOneOf(
        route,
        ['methods', 'hosts', 'headers', 'paths'],
        "must set one of %s when 'protocols' is 'http'",
        errors,
      )
    }
  } else if (family === 'grpc') {
    if (route.strip_path === true)
      errors.strip_path = "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"
    if (protocols.includes('grpcs')) {
      needOneOf(
        route,
        ['hosts', 'headers', 'paths', 'snis'],
        "must set one of %s when 'protocols' is 'grpcs'",
        errors,
      )
    } else {
      needOneOf(route, ['hosts', 'headers', 'paths'], "must set one of %s when 'protocols' is 'grpc'", errors)
    }
  } else if (protocols.every((protocol) => ['tcp', 'tls', 'udp'].includes(protocol))) {
    needOneOf(
      route,
      ['sources', 'destinations', 'snis'],
      "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'",
      errors,
    )
  } else if (protocols.every((protocol) => protocol === 'tls_passthrough')) {
    needOneOf(route, ['snis'], "must set snis when 'protocols' is 'tls_passthrough'", errors)
  }
}

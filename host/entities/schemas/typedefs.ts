import type { FieldSchema } from '../schema-types.ts'
import { validateHost, validateIpOrCidr, validateRouteHost, validateSni } from './host-validators.ts'
import { validatePath, validateRouterPath } from './path-validators.ts'

/**
 * Kong's typedefs (kong/db/schema/typedefs.lua) as data. Lua patterns are written as JS regular
 * expressions; Kong's custom validators are host-only functions with Kong's messages.
 */

/** Sorted, as Kong's constants.PROTOCOLS (with the Enterprise websocket protocols). */
export const PROTOCOLS = [
  'grpc',
  'grpcs',
  'http',
  'https',
  'tcp',
  'tls',
  'tls_passthrough',
  'udp',
  'ws',
  'wss',
] as const
export const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss'] as const

export const uuid = (): FieldSchema => ({ type: 'string', uuid: true, auto: true })
export const autoTimestamp = (): FieldSchema => ({ type: 'integer', timestamp: true, auto: true })

const utf8Name = (value: string): string | null =>
  /^[A-Za-z0-9.\-_~\u0080-\uFFFF]+$/u.test(value)
    ? null
    : `invalid value '${value}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`

/** typedefs.utf8_name: unique per workspace. */
export const name = (extra: Partial<FieldSchema> = {}): FieldSchema => ({
  type: 'string',
  unique: true,
  indexed: true,
  custom_validator: utf8Name,
  ...extra,
})

const tag = (value: string): string | null =>
  /^[\u0020-\u002B\u002D\u002E\u0030-\u007E\u0080-\u{10FFFF}]+$/u.test(value)
    ? null
    : `invalid tag '${value}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`

export const tags = (): FieldSchema => ({
  type: 'set',
  description: 'A set of strings representing tags.',
  elements: { type: 'string', required: true, custom_validator: tag },
})

export const protocol = (extra: Partial<FieldSchema> = {}): FieldSchema => ({
  type: 'string',
  one_of: PROTOCOLS,
  ...extra,
})

export const host = (extra: Partial<FieldSchema> = {}): FieldSchema => ({
  type: 'string',
  custom_validator: validateHost,
  ...extra,
})

export const port = (extra: Partial<FieldSchema> = {}): FieldSchema => ({
  type: 'integer',
  between: [0, 65535],
  ...extra,
})

export const path = (): FieldSchema => ({
  type: 'string',
  starts_with: '/',
  match_none: [{ pattern: '//', err: 'must not have empty segments' }],
  custom_validator: validatePath,
})

const headerName = (value: string): string | null =>
  /^[A-Za-z0-9_-]+$/.test(value)
    ? null
    : `bad header name '${value}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`

export const methods = (): FieldSchema => ({
  type: 'set',
  elements: { type: 'string', match: '^[A-Z]+$' },
})

export const hosts = (): FieldSchema => ({
  type: 'array',
  elements: {
    type: 'string',
    // Kong's `^[^*]*%*?[^*]*$`, written so a backtracking engine stays linear on a long host.
    match_all: [{ pattern: '^[^*]*(?:\\*[^*]*)?$', err: 'invalid wildcard: must have at most one wildcard' }],
    match_any: {
      patterns: ['^\\*\\.', '\\.\\*$', '^[^*]*$'],
      err: 'invalid wildcard: must be placed at leftmost or rightmost label',
    },
    custom_validator: validateRouteHost,
  },
})

export const routerPaths = (): FieldSchema => ({
  type: 'array',
  elements: {
    type: 'string',
    match_any: { patterns: ['^/', '^~/'], err: 'should start with: / (fixed path) or ~/ (regex path)' },
    match_none: [{ pattern: '//', err: 'must not have empty segments' }],
    custom_validator: validateRouterPath,
  },
})

export const headers = (): FieldSchema => ({
  type: 'map',
  keys: {
    type: 'string',
    match_none: [
      {
        pattern: '^[Hh][Oo][Ss][Tt]$',
        err: "cannot contain 'host' header, which must be specified in the 'hosts' attribute",
      },
    ],
    custom_validator: headerName,
  },
  values: { type: 'array', elements: { type: 'string' } },
})

export const snis = (): FieldSchema => ({
  type: 'set',
  elements: { type: 'string', custom_validator: validateSni },
})

/** Route sources and destinations: `{ip, port}` records, at least one of the two. */
export const endpoints = (): FieldSchema => ({
  type: 'set',
  elements: {
    type: 'record',
    fields: [{ ip: { type: 'string', custom_validator: validateIpOrCidr } }, { port: port() }],
    entity_checks: [{ at_least_one_of: ['ip', 'port'] }],
  },
})

export const protocols = (): FieldSchema => ({
  type: 'set',
  required: true,
  default: [...HTTP_PROTOCOLS],
  elements: protocol(),
})

import type { Mutation } from '../protocol.ts'
import {
  body,
  bool,
  fail,
  headerMap,
  headerName,
  headerValues,
  integer,
  isRecord,
  type Json,
  record,
  settableName,
  status,
  text,
  token,
  urlPart,
} from './validate-fields.ts'

/** Hosts and ports a plugin may send the upstream request to: a name or an address, nothing else. */
const HOST = /^(?:[A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])$/
const MAX_TIMEOUT_MS = 2_147_483_646

type Check = (m: Json, where: string) => void

const header: Check = (m, where) => {
  settableName(m['name'], `${where}.name`)
  headerValues(m['value'], `${where}.value`)
}
const clear: Check = (m, where) => {
  headerName(m['name'], `${where}.name`)
}
const headers: Check = (m, where) => headerMap(m['headers'], `${where}.headers`)
const rawBody: Check = (m, where) => {
  body(m['body'], bool(m['base64'], `${where}.base64`), `${where}.body`)
}
const entity = (value: unknown, where: string): void => {
  if (value !== null && !isRecord(value)) fail('shape', where, 'must be an object or null')
}

/** Kong's limits for each setter (kong/pdk/service.lua, service/request.lua, response.lua). */
const CHECKS: Record<Mutation['op'], Check> = {
  'service.request.setHeader': header,
  'service.request.addHeader': header,
  'service.request.clearHeader': clear,
  'service.request.setHeaders': headers,
  'service.request.setScheme': (m, where) => {
    const scheme = m['scheme']
    if (scheme !== 'http' && scheme !== 'https') fail('scheme', `${where}.scheme`, 'must be http or https')
  },
  'service.request.setMethod': (m, where) => {
    token(m['method'], `${where}.method`, 32, 'method')
  },
  'service.request.setPath': (m, where) => {
    const path = urlPart(m['path'], `${where}.path`, 'path')
    if (!path.startsWith('/')) fail('path', `${where}.path`, 'must start with /')
  },
  'service.request.setRawQuery': (m, where) => {
    urlPart(m['query'], `${where}.query`, 'query')
  },
  'service.request.setRawBody': rawBody,
  'service.setTarget': (m, where) => {
    const host = urlPart(m['host'], `${where}.host`, 'target')
    if (!HOST.test(host)) fail('target', `${where}.host`, 'is not a host name or address')
    integer(m['port'], `${where}.port`, 0, 65535, 'target')
  },
  'service.setRetries': (m, where) => {
    integer(m['retries'], `${where}.retries`, 0, 32767, 'number')
  },
  'service.setTimeouts': (m, where) => {
    for (const field of ['connect', 'write', 'read']) {
      integer(m[field], `${where}.${field}`, 1, MAX_TIMEOUT_MS, 'number')
    }
  },
  'response.setStatus': (m, where) => {
    status(m['status'], `${where}.status`)
  },
  'response.setHeader': header,
  'response.addHeader': header,
  'response.clearHeader': clear,
  'response.setHeaders': headers,
  'response.setRawBody': rawBody,
  'client.authenticate': (m, where) => {
    entity(m['consumer'], `${where}.consumer`)
    entity(m['credential'], `${where}.credential`)
  },
}

export function validateMutation(value: unknown, where: string): Mutation {
  const mutation = record(value, where)
  const op = text(mutation['op'], `${where}.op`, 64, 'mutation_op')
  const check = Object.hasOwn(CHECKS, op) ? CHECKS[op as Mutation['op']] : undefined
  if (!check) fail('mutation_op', `${where}.op`, 'is not a known mutation')
  check(mutation, where)
  return mutation as unknown as Mutation
}

/** kong.client: who is calling (addresses, authenticated consumer and credential). */
import type { RequestState } from '../protocol.ts'
import { enter, type Frame, mutate } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse, PdkError } from './errors.isolate.ts'
import {
  ArrayIsArray,
  define,
  ObjectFreeze,
  own,
  RegExpExec,
  StringToLowerCase,
} from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { cloneData, toPlain } from './values.isolate.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Kong's kong.client.get_protocol: the route's only protocol, else whether the request is https. */
function protocolOf(fn: string, state: RequestState, allowTerminated: unknown): string {
  const route = state.route
  if (!route) throw new PdkError('No active route found')
  if (route.protocols.length === 1) return route.protocols[0]!
  if (state.scheme === 'https') return 'https'
  if (!allowTerminated || !env.trusted.isTrusted(state.client.ip)) return 'http'
  const proto = own(state.headers, 'x-forwarded-proto')
  if (typeof proto === 'object' && proto !== null)
    throw misuse(fn, 'Only one X-Forwarded-Proto header allowed')
  return typeof proto === 'string' && StringToLowerCase(proto) === 'https' ? 'https' : 'http'
}

function entityOrNull(fn: string, value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null
  const row = toPlain(value, fn)
  return row !== null && typeof row === 'object' && !ArrayIsArray(row) ? row : null
}

async function loadConsumer(
  frame: Frame,
  id: string,
  byUsername: boolean,
): Promise<Record<string, unknown> | null> {
  const fn = 'kong.client.loadConsumer'
  if (RegExpExec(UUID, id)) {
    const found = entityOrNull(fn, await requestIo(frame, 'db', ['consumers', 'select', { id }]))
    if (found || !byUsername) return found
  }
  return entityOrNull(fn, await requestIo(frame, 'db', ['consumers', 'selectByUsername', id]))
}

export function clientModule(frame: Frame): object {
  const state = (fn: string, allowed: number = PHASES.request): RequestState => {
    enter(frame, fn, allowed)
    return stateOf(frame)
  }
  return ObjectFreeze({
    getIp: () => state('kong.client.getIp').client.ip,
    getForwardedIp: () => state('kong.client.getForwardedIp').client.forwardedIp,
    getPort: () => state('kong.client.getPort').client.port,
    getForwardedPort: () => state('kong.client.getForwardedPort').client.forwardedPort,
    getConsumer: () => cloneData(state('kong.client.getConsumer', PHASES.authAndLater).consumer),
    getCredential: () => cloneData(state('kong.client.getCredential', PHASES.authAndLater).credential),
    getProtocol(allowTerminated?: unknown): string {
      const fn = 'kong.client.getProtocol'
      return protocolOf(fn, state(fn, PHASES.authAndLater), allowTerminated)
    },
    authenticate(consumer: unknown, credential: unknown): void {
      const fn = 'kong.client.authenticate'
      const current = state(fn, PHASES.access)
      const isTableOrNil = (value: unknown): boolean =>
        value === undefined || value === null || typeof value === 'object'
      if (!isTableOrNil(consumer)) throw misuse(fn, 'consumer must be a table or nil')
      if (!isTableOrNil(credential)) throw misuse(fn, 'credential must be a table or nil')
      if (
        (consumer === undefined || consumer === null) &&
        (credential === undefined || credential === null)
      ) {
        throw misuse(fn, 'either credential or consumer must be provided')
      }
      const plainConsumer = entityOrNull(fn, consumer)
      const plainCredential = entityOrNull(fn, credential)
      mutate(frame, { op: 'client.authenticate', consumer: plainConsumer, credential: plainCredential })
      define(current, 'consumer', plainConsumer)
      define(current, 'credential', plainCredential)
    },
    loadConsumer(consumerId: unknown, searchByUsername?: unknown): Promise<Record<string, unknown> | null> {
      const fn = 'kong.client.loadConsumer'
      enter(frame, fn, PHASES.authAndLater)
      if (typeof consumerId !== 'string' || consumerId === '')
        throw misuse(fn, 'consumer_id must be a string')
      if (!RegExpExec(UUID, consumerId) && !searchByUsername) {
        throw misuse(fn, 'cannot load a consumer with an id that is not a uuid')
      }
      return loadConsumer(frame, consumerId, !!searchByUsername)
    },
  })
}

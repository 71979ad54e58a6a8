/** kong.client: who is calling (addresses, authenticated consumer and credential). */
import type { RequestState } from '../protocol.ts'
import { type Frame, mutate } from './call.isolate.ts'
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
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { toPlain } from './values.isolate.ts'

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

function state(self: unknown, fn: string, allowed: number = PHASES.request): RequestState {
  return stateOf(entered(self, fn, allowed))
}

function isTableOrNil(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'object'
}

/**
 * kong.client: methods on a frozen prototype; an instance only carries its frame (pdk-bound).
 *
 * getConsumer/getCredential hand out the request's objects uncopied, as Kong hands out
 * `ngx.ctx.authenticated_consumer`. That is safe because each is either the host's consumer as
 * parsed from this request's own state in this isolate (a fresh object per request, never shared
 * with another request) or the very object a plugin passed to `authenticate` (plugin-owned data),
 * and the host never reads either back: it takes a consumer only from authenticate's snapshot.
 * A plugin changing one changes this request's view in this isolate and nothing else.
 */
class ClientModule extends FrameBound {
  getIp(): string {
    return state(this, 'kong.client.getIp').client.ip
  }
  getForwardedIp(): string {
    return state(this, 'kong.client.getForwardedIp').client.forwardedIp
  }
  getPort(): number {
    return state(this, 'kong.client.getPort').client.port
  }
  getForwardedPort(): number {
    return state(this, 'kong.client.getForwardedPort').client.forwardedPort
  }
  getConsumer(): RequestState['consumer'] {
    return state(this, 'kong.client.getConsumer', PHASES.authAndLater).consumer
  }
  getCredential(): RequestState['credential'] {
    return state(this, 'kong.client.getCredential', PHASES.authAndLater).credential
  }
  getProtocol(allowTerminated?: unknown): string {
    const fn = 'kong.client.getProtocol'
    return protocolOf(fn, state(this, fn, PHASES.authAndLater), allowTerminated)
  }
  /**
   * Keeps the plugin's objects by reference for this isolate's later reads. What the host gets is
   * a bounded plain snapshot taken now (toPlain: getters, proxies, cycles refused as PDK errors),
   * serialised with the call's answer and validated again on the host: a plugin changing the
   * objects afterwards changes nothing the host trusts.
   */
  authenticate(consumer: unknown, credential: unknown): void {
    const fn = 'kong.client.authenticate'
    const frame = entered(this, fn, PHASES.access)
    if (!isTableOrNil(consumer)) throw misuse(fn, 'consumer must be a table or nil')
    if (!isTableOrNil(credential)) throw misuse(fn, 'credential must be a table or nil')
    if ((consumer === undefined || consumer === null) && (credential === undefined || credential === null)) {
      throw misuse(fn, 'either credential or consumer must be provided')
    }
    const plainConsumer = entityOrNull(fn, consumer)
    const plainCredential = entityOrNull(fn, credential)
    mutate(frame, { op: 'client.authenticate', consumer: plainConsumer, credential: plainCredential })
    const current = stateOf(frame)
    define(current, 'consumer', plainConsumer === null ? null : consumer)
    define(current, 'credential', plainCredential === null ? null : credential)
  }
  loadConsumer(consumerId: unknown, searchByUsername?: unknown): Promise<Record<string, unknown> | null> {
    const fn = 'kong.client.loadConsumer'
    const frame = entered(this, fn, PHASES.authAndLater)
    if (typeof consumerId !== 'string' || consumerId === '') throw misuse(fn, 'consumer_id must be a string')
    if (!RegExpExec(UUID, consumerId) && !searchByUsername) {
      throw misuse(fn, 'cannot load a consumer with an id that is not a uuid')
    }
    return loadConsumer(frame, consumerId, !!searchByUsername)
  }
}
ObjectFreeze(ClientModule.prototype)
ObjectFreeze(ClientModule)

export function clientModule(frame: Frame): object {
  return new ClientModule(frame)
}

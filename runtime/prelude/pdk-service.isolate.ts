/** kong.service: upstream target and timeouts, plus kong.service.request and .response. */
import { type RequestState, TARGET_HOST_NAME } from '../protocol.ts'
import { bodyKind, maxArgs, parseBody } from './body.isolate.ts'
import { type Frame, mutate } from './call.isolate.ts'
import { egressRefused, formatIp, ipLiteral, literalRefusal } from './egress.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse, PdkError } from './errors.isolate.ts'
import { copyHeaders, firstHeader } from './headers.isolate.ts'
import {
  NumberIsInteger,
  ObjectFreeze,
  PromiseCtor,
  RegExpExec,
  StringSlice,
  StringToLowerCase,
} from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { entered, FrameBound, frameOf } from './pdk-bound.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { serviceRequestModule } from './pdk-service-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'

/** A fully qualified name's trailing dot is not part of the name. */
const trailingDot = (host: string): string =>
  host.length > 1 && host[host.length - 1] === '.' ? StringSlice(host, 0, -1) : host

function integerIn(fn: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !NumberIsInteger(value)) throw misuse(fn, `${name} must be an integer`)
  if (value < min || value > max)
    throw misuse(fn, `${name} must be an integer between ${min} and ${max}: given ${value}`)
  return value
}

/** The buffered upstream body: from the state, or read by the host. */
function serviceBody(frame: Frame): Promise<string> {
  const body = stateOf(frame).serviceResponse?.body
  if (typeof body === 'string') return new PromiseCtor<string>((resolve) => resolve(body))
  const wait = requestIo(frame, 'service.response.getRawBody', [])
  return (async () => {
    const value = await wait
    if (typeof value !== 'string') throw new PdkError('the host returned a service body that is not a string')
    const response = stateOf(frame).serviceResponse
    if (response) response.body = value
    return value
  })()
}

function serviceResponse(self: unknown, fn: string): RequestState['serviceResponse'] {
  return stateOf(entered(self, fn, PHASES.responseReaders)).serviceResponse
}

/** kong.service.response: methods on a frozen prototype; an instance only carries its frame. */
class ServiceResponseModule extends FrameBound {
  getStatus(): number | null {
    return serviceResponse(this, 'kong.service.response.getStatus')?.status ?? null
  }
  getHeaders(limit?: unknown): Record<string, string | string[]> {
    const fn = 'kong.service.response.getHeaders'
    return copyHeaders(serviceResponse(this, fn)?.headers, maxArgs(fn, limit, 'max_headers'))
  }
  getHeader(name: unknown): string | null {
    const fn = 'kong.service.response.getHeader'
    const response = serviceResponse(this, fn)
    if (typeof name !== 'string') throw misuse(fn, 'name must be a string')
    return firstHeader(response?.headers, name)
  }
  getRawBody(): Promise<string> {
    return serviceBody(entered(this, 'kong.service.response.getRawBody', PHASES.responseReaders))
  }
  getBody(mimetype?: unknown, limit?: unknown): Promise<unknown> {
    const fn = 'kong.service.response.getBody'
    const frame = entered(this, fn, PHASES.responseReaders)
    const response = stateOf(frame).serviceResponse
    if (mimetype !== undefined && mimetype !== null && typeof mimetype !== 'string') {
      throw misuse(fn, 'mimetype must be a string')
    }
    const contentType =
      typeof mimetype === 'string' ? mimetype : firstHeader(response?.headers, 'content-type')
    return (async () => {
      bodyKind(fn, contentType, limit)
      return parseBody(fn, await serviceBody(frame), contentType!, limit)
    })()
  }
}
ObjectFreeze(ServiceResponseModule.prototype)
ObjectFreeze(ServiceResponseModule)

/** kong.service: the two sub-modules made on first use, the setters on the frozen prototype. */
class ServiceModule extends FrameBound {
  #request?: object
  #response?: object

  get request(): object {
    this.#request ??= serviceRequestModule(frameOf(this, 'kong.service.request'))
    return this.#request
  }
  get response(): object {
    this.#response ??= new ServiceResponseModule(frameOf(this, 'kong.service.response'))
    return this.#response
  }
  setTarget(host: unknown, port: unknown): void {
    const fn = 'kong.service.setTarget'
    const frame = entered(this, fn, PHASES.rewriteAccess)
    if (typeof host !== 'string') throw misuse(fn, 'host must be a string')
    // Kong takes port 0 and fails at connect; nothing listens there, so it is refused here.
    const checked = integerIn(fn, 'port', port, 1, 65535)
    // The target, however spelled, is checked here so the plugin can catch a refusal (the host
    // checks it again, and an answer it refuses costs the isolate).
    const address = ipLiteral(host)
    const name = address === null ? StringToLowerCase(trailingDot(host)) : ''
    if (address === false || (address === null && RegExpExec(TARGET_HOST_NAME, name) === null)) {
      throw misuse(fn, `${host} is neither a host name nor an IP address`)
    }
    const target =
      address === null ? name : address.groups.length === 8 ? `[${formatIp(address)}]` : formatIp(address)
    if (address !== null) {
      const why = literalRefusal(env.egress, address, checked)
      if (why !== null) throw egressRefused(fn, `${target}:${checked}`, why)
    }
    mutate(frame, { op: 'service.setTarget', host: target, port: checked })
  }
  setRetries(retries: unknown): void {
    const fn = 'kong.service.setRetries'
    const frame = entered(this, fn, PHASES.access)
    mutate(frame, { op: 'service.setRetries', retries: integerIn(fn, 'retries', retries, 0, 32767) })
  }
  setTimeouts(connect: unknown, write: unknown, read: unknown): void {
    const fn = 'kong.service.setTimeouts'
    const frame = entered(this, fn, PHASES.access)
    const max = 2147483646
    mutate(frame, {
      op: 'service.setTimeouts',
      connect: integerIn(fn, 'connect_timeout', connect, 1, max),
      write: integerIn(fn, 'write_timeout', write, 1, max),
      read: integerIn(fn, 'read_timeout', read, 1, max),
    })
  }
}
ObjectFreeze(ServiceModule.prototype)
ObjectFreeze(ServiceModule)

export function serviceModule(frame: Frame): object {
  return new ServiceModule(frame)
}

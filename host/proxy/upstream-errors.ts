import { MESSAGES } from './gateway-response.ts'

/** Errors the gateway raises itself inside an upstream exchange (never from undici). */
export class ProxyAbort extends Error {
  constructor(readonly kind: 'body-too-large' | 'response-too-large' | 'write-timeout' | 'client-gone') {
    super(kind)
    this.name = 'ProxyAbort'
  }
}

const CONNECT_FAILURES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** Failures where a kept-alive connection died before answering (the request was not processed). */
const RESETS: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])

const TIMEOUTS: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

const DNS_FAILURES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'])

export function errorCode(err: unknown): string {
  if (err instanceof ProxyAbort) return err.kind
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown }
  if (typeof code === 'string') return code
  // undici's parser errors carry no code when llhttp gave none (e.g. a non-HTTP status line).
  return name === 'HTTPParserError' ? 'HPE_INVALID' : ''
}

/**
 * May this failed attempt be retried (nginx proxy_next_upstream error/timeout, restricted to
 * requests the upstream cannot have processed)? `connected` = undici assigned a socket and began
 * writing; `bodyStarted` = the client's body began streaming to that socket.
 */
export function isRetriable(
  code: string,
  state: { connected: boolean; bodyStarted: boolean; hasBody: boolean; idempotent: boolean },
): boolean {
  if (!state.connected) return CONNECT_FAILURES.has(code)
  // A reused keep-alive connection reset under us: the request went nowhere.
  return RESETS.has(code) && !state.hasBody && !state.bodyStarted && state.idempotent
}

/** The status and Kong message a failed upstream exchange answers with. */
export function failureResponse(code: string): { status: number; message: string } {
  // A plugin's target the egress policy refused is the plugin's failure; its caps are a limit.
  if (code === 'egress_denied') return { status: 500, message: MESSAGES[500] }
  if (code === 'egress_busy') return { status: 503, message: MESSAGES[503] }
  if (code === 'proxy_loop') return { status: 508, message: MESSAGES.loop }
  if (code === 'write-timeout' || TIMEOUTS.has(code)) return { status: 504, message: MESSAGES[504] }
  if (DNS_FAILURES.has(code)) return { status: 503, message: MESSAGES.nameResolution }
  if (code === 'body-too-large') return { status: 413, message: MESSAGES[413] }
  if (code === '' || code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') {
    return { status: 500, message: MESSAGES[500] }
  }
  // Refused, reset, unreachable, malformed response (HPE_*, bad header characters), too large...
  return { status: 502, message: MESSAGES[502] }
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method)
}

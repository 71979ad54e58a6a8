/**
 * kong.response.error's bodies: Kong's default message per status and its four templates, the
 * format picked from Content-Type or the client's Accept header (kong/tools/http.lua). Unlike
 * Kong, the message is escaped for the chosen format, so a quote cannot break the JSON.
 */
import {
  JsonStringify,
  own,
  RegExpExec,
  StringCtor,
  StringIndexOf,
  StringSlice,
  StringToLowerCase,
  StringTrim,
} from './intrinsics.isolate.ts'

const MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  407: 'Proxy authentication required',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  417: 'Expectation failed',
  418: "I'm a teapot",
  421: 'Misdirected request',
  422: 'Unprocessable entity',
  423: 'Locked',
  424: 'Failed dependency',
  425: 'Too early',
  426: 'Upgrade required',
  428: 'Precondition required',
  429: 'Too many requests',
  431: 'Request header fields too large',
  451: 'Unavailable for legal reasons',
  494: 'Request header or cookie too large',
  500: 'An unexpected error occurred',
  501: 'Not implemented',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
  505: 'HTTP version not supported',
  506: 'Variant also negotiates',
  507: 'Insufficient storage',
  508: 'Loop detected',
  510: 'Not extended',
  511: 'Network authentication required',
}

export function defaultMessage(status: number): string {
  const known = own(MESSAGES, StringCtor(status))
  return typeof known === 'string' ? known : `The upstream server responded with ${status}`
}

const JSON_MIME = 'application/json; charset=utf-8'
const HTML_MIME = 'text/html; charset=utf-8'
const XML_MIME = 'application/xml; charset=utf-8'
const PLAIN_MIME = 'text/plain; charset=utf-8'

const MIME_TYPES: Record<string, string> = {
  'application/json': JSON_MIME,
  'text/html': HTML_MIME,
  'application/xml': XML_MIME,
  'text/plain': PLAIN_MIME,
  application: JSON_MIME,
  text: PLAIN_MIME,
}

const MEDIA_RANGE = /^(?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*)\/(?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*)/i
const QUALITY = /^q\s*=\s*(1(?:\.0{0,3})?|0(?:\.\d{0,3})?)$/i

function mimeOf(media: string): string {
  const lower = StringToLowerCase(media)
  const slash = StringIndexOf(lower, '/')
  const major = StringSlice(lower, 0, slash)
  const minor = StringSlice(lower, slash + 1)
  const found = minor === '*' ? (major === '*' ? JSON_MIME : own(MIME_TYPES, major)) : own(MIME_TYPES, lower)
  return typeof found === 'string' ? found : JSON_MIME
}

/** The response type for an Accept header: highest q wins, the first among equals; JSON by default. */
export function responseType(accept: string | null): string {
  let chosen = JSON_MIME
  if (accept === null) return chosen
  let best = 0
  let start = 0
  while (start <= accept.length) {
    let end = StringIndexOf(accept, ',', start)
    if (end < 0) end = accept.length
    const value = StringTrim(StringSlice(accept, start, end))
    start = end + 1
    const semicolon = StringIndexOf(value, ';')
    const range = RegExpExec(
      MEDIA_RANGE,
      StringTrim(semicolon < 0 ? value : StringSlice(value, 0, semicolon)),
    )
    if (!range) continue
    let quality = 1
    let at = semicolon
    while (at >= 0) {
      const next = StringIndexOf(value, ';', at + 1)
      const q = RegExpExec(QUALITY, StringTrim(StringSlice(value, at + 1, next < 0 ? value.length : next)))
      if (q) quality = +q[1]!
      at = next
    }
    if (quality > best) {
      best = quality
      chosen = mimeOf(range[0])
    }
  }
  return chosen
}

function escapeMarkup(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    out +=
      c === '&'
        ? '&amp;'
        : c === '<'
          ? '&lt;'
          : c === '>'
            ? '&gt;'
            : c === '"'
              ? '&quot;'
              : c === "'"
                ? '&#39;'
                : c
  }
  return out
}

/** The body for `mime` (full or short form), or null when Kong has no template for it. */
export function errorBody(mime: string, message: string, requestId: string): string | null {
  const lower = StringToLowerCase(StringTrim(mime))
  const media = StringTrim(
    StringIndexOf(lower, ';') < 0 ? lower : StringSlice(lower, 0, StringIndexOf(lower, ';')),
  )
  if (media === 'application/json') {
    const quoted = JsonStringify(message)
    return `{\n  "message":${quoted},\n  "request_id":${JsonStringify(requestId)}\n}`
  }
  if (media === 'text/html') {
    return `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${escapeMarkup(message)}.</p>\n    <p>request_id: ${escapeMarkup(requestId)}</p>\n  </body>\n</html>\n`
  }
  if (media === 'application/xml') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${escapeMarkup(message)}</message>\n  <requestid>${escapeMarkup(requestId)}</requestid>\n</error>\n`
  }
  if (media === 'text/plain') return `${message}\nrequest_id: ${requestId}\n`
  return null
}

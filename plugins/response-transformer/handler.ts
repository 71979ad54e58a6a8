import type { Plugin } from 'isogate/sdk'
import { bodyTransformSet, headerTransformSet, isJsonBody, transformHeaders } from './headers.ts'
import { transformJsonBody } from './json-body.ts'
import type { Config } from './schema.ts'

/**
 * Kong's response-transformer: response headers in headerFilter; JSON bodies in bodyFilter,
 * buffered until the last chunk (kong.response.getRawBody) and replaced as a whole. A body that
 * does not parse is sent unchanged, with a warning.
 */
export default {
  priority: 800,
  version: '1.0.0',
  /**
   * Headers only: no body filter (the response keeps its framing, Content-Length included). A JSON
   * body change also needs headerFilter (it drops Content-Length).
   */
  phases(conf) {
    const body = bodyTransformSet(conf)
    if (body) return ['headerFilter', 'bodyFilter']
    return headerTransformSet(conf) ? ['headerFilter'] : []
  },
  headerFilter(kong, conf) {
    transformHeaders(kong, conf)
  },
  bodyFilter(kong, conf) {
    if (!bodyTransformSet(conf) || !isJsonBody(kong.response.getHeader('Content-Type'))) return
    const body = kong.response.getRawBody()
    if (body === null) return
    const result = transformJsonBody(conf, body)
    if ('error' in result) kong.log.warn(`body transform failed: ${result.error}`)
    else kong.response.setRawBody(result.body)
  },
} satisfies Plugin<Config>

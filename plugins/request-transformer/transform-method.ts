import type { AccessKong, HttpMethod, QueryArgs, QueryValue } from 'isogate/sdk'
import { own, put } from './pairs.ts'
import type { Config } from './schema.ts'
import { bodyKind, FORM, readBody } from './transform-body.ts'

/** Methods without a body upstream: a form body is carried over into the query string. */
const BODILESS = new Set(['GET', 'HEAD', 'TRACE'])

const list = (value: QueryValue | QueryValue[]): QueryValue[] => (Array.isArray(value) ? value : [value])

/** Kong's http_method: sets the method; for GET/HEAD/TRACE merges a form body into the query. */
export async function transformMethod(kong: AccessKong, conf: Config): Promise<void> {
  if (conf.http_method === undefined) return
  kong.service.request.setMethod(conf.http_method as HttpMethod)
  if (!BODILESS.has(conf.http_method) || bodyKind(kong.request.getHeader('Content-Type')) !== 'form') return
  if ((await readBody(kong)) === '') return
  const body = await kong.request.getBody<QueryArgs>(FORM)
  if (Object.keys(body).length === 0) return
  const query: QueryArgs = {}
  for (const [key, value] of Object.entries(kong.request.getQuery())) put(query, key, value)
  for (const [name, value] of Object.entries(body)) {
    const current = own(query, name) as QueryValue | QueryValue[] | undefined
    put(query, name, current === undefined ? value : [...list(current), ...list(value)])
  }
  kong.service.request.setQuery(query)
}

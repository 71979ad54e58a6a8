import type { AccessKong, QueryValue } from 'isogate/sdk'
import { appendValue, own, put, truthy } from './pairs.ts'
import type { Config } from './schema.ts'
import type { TemplateEnv } from './template.ts'
import { entries } from './transform-headers.ts'

type Args = Record<string, QueryValue | QueryValue[]>

/** Kong's querystring steps (remove, rename, replace, add, append) over a copy of the query. */
export function transformQuery(kong: AccessKong, conf: Config, env: TemplateEnv): void {
  const steps = [conf.remove, conf.rename, conf.replace, conf.add, conf.append]
  if (steps.every((step) => step.querystring.length === 0)) return
  const query: Args = {}
  for (const [key, value] of Object.entries(env.query())) put(query, key, value)

  for (const [name] of entries(conf.remove.querystring, env)) delete query[name]
  for (const [from, to] of entries(conf.rename.querystring, env)) {
    // As Kong: the new name takes the old one's value even when there is none (then it goes too).
    const value = own(query, from)
    if (to === null) continue
    if (value === undefined) delete query[to]
    else put(query, to, value)
    delete query[from]
  }
  for (const [name, value] of entries(conf.replace.querystring, env)) {
    if (value !== null && truthy(own(query, name))) put(query, name, value)
  }
  for (const [name, value] of entries(conf.add.querystring, env)) {
    if (value !== null && !truthy(own(query, name))) put(query, name, value)
  }
  for (const [name, value] of entries(conf.append.querystring, env)) {
    if (value !== null) put(query, name, appendValue(own(query, name), value))
  }
  kong.service.request.setQuery(query)
}

import type { AccessKong, QueryArgs } from 'isogate/sdk'
import { encodeForm } from './form.ts'
import { appendValue, own, put, truthy } from './pairs.ts'
import type { Config } from './schema.ts'
import type { TemplateEnv } from './template.ts'
import { entries } from './transform-headers.ts'

export const FORM = 'application/x-www-form-urlencoded'

type Kind = 'json' | 'form' | 'multipart'

/** Kong looks for the type anywhere in the Content-Type value, case-insensitively. */
export function bodyKind(contentType: string | null): Kind | null {
  const lower = contentType?.toLowerCase()
  if (lower === undefined) return null
  if (lower.includes('application/json')) return 'json'
  if (lower.includes('multipart/form-data')) return 'multipart'
  if (lower.includes(FORM)) return 'form'
  return null
}

/** The body as text; Kong logs an unreadable body and goes on without one. */
export async function readBody(kong: AccessKong): Promise<string> {
  try {
    return await kong.request.getRawBody()
  } catch (error) {
    kong.log.warn(error instanceof Error ? error.message : String(error))
    return ''
  }
}

/**
 * Kong's body steps on a parameter table. Remove, rename and replace need a non-empty body; add
 * and append also fill an empty one. `absent` is how each format tells a missing parameter.
 */
function transformParams(
  params: Record<string, unknown>,
  conf: Config,
  env: TemplateEnv,
  hasBody: boolean,
  absent: (value: unknown) => boolean,
): boolean {
  let changed = false
  if (hasBody) {
    for (const [name] of entries(conf.remove.body, env)) {
      delete params[name]
      changed = true
    }
    for (const [from, to] of entries(conf.rename.body, env)) {
      if (to === null) continue
      const value = own(params, from)
      if (value === undefined) delete params[to]
      else put(params, to, value)
      delete params[from]
      changed = true
    }
    for (const [name, value] of entries(conf.replace.body, env)) {
      if (value !== null && truthy(own(params, name))) {
        put(params, name, value)
        changed = true
      }
    }
  }
  for (const [name, value] of entries(conf.add.body, env)) {
    if (value !== null && absent(own(params, name))) {
      put(params, name, value)
      changed = true
    }
  }
  for (const [name, value] of entries(conf.append.body, env)) {
    if (value === null) continue
    put(params, name, appendValue(own(params, name), value))
    changed = true
  }
  return changed
}

/** A JSON object body (an empty body counts as `{}`); other JSON documents are left alone. */
function jsonParams(raw: string): Record<string, unknown> | null {
  if (raw === '') return {}
  try {
    const parsed: unknown = JSON.parse(raw)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/**
 * Transforms form-urlencoded and JSON bodies (Kong also edits multipart bodies part by part; here
 * they pass through unchanged). The Content-Type stays; the gateway sets the new Content-Length.
 */
export async function transformBody(kong: AccessKong, conf: Config, env: TemplateEnv): Promise<void> {
  const steps = [conf.remove, conf.rename, conf.replace, conf.add, conf.append]
  if (steps.every((step) => step.body.length === 0)) return
  const kind = bodyKind(kong.request.getHeader('Content-Type'))
  if (kind !== 'json' && kind !== 'form') return
  const raw = await readBody(kong)
  if (kind === 'json') {
    const params = jsonParams(raw)
    if (params && transformParams(params, conf, env, raw !== '', (value) => !truthy(value))) {
      kong.service.request.setRawBody(JSON.stringify(params))
    }
    return
  }
  const params: QueryArgs = raw === '' ? {} : await kong.request.getBody<QueryArgs>(FORM)
  if (transformParams(params, conf, env, raw !== '', (value) => value === undefined)) {
    kong.service.request.setRawBody(encodeForm(params))
  }
}

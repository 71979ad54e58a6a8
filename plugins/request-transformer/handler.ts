import type { Plugin } from 'isogate/sdk'
import type { Config } from './schema.ts'
import { render, TemplateEnv } from './template.ts'
import { transformBody } from './transform-body.ts'
import { transformHeaders } from './transform-headers.ts'
import { transformMethod } from './transform-method.ts'
import { transformQuery } from './transform-query.ts'

/**
 * Kong's request-transformer: rewrites the upstream request in Kong's order — path
 * (`replace.uri`), method, headers, body, query string — each with remove → rename → replace →
 * add → append.
 */
export default {
  priority: 801,
  version: '1.0.0',
  async access(kong, conf) {
    const env = new TemplateEnv(kong)
    if (conf.replace.uri !== undefined) kong.service.request.setPath(render(conf.replace.uri, env))
    await transformMethod(kong, conf)
    transformHeaders(kong, conf, env)
    await transformBody(kong, conf, env)
    transformQuery(kong, conf, env)
  },
} satisfies Plugin<Config>

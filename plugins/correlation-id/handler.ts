import type { Plugin } from 'isogate/sdk'
import { generators } from './generators.ts'
import type { Config } from './schema.ts'

/**
 * Kong's correlation-id: the request keeps the client's ID header when it has a non-empty one,
 * otherwise gets a generated one (sent upstream and put in the log serializer as
 * `correlation_id`); with `echo_downstream` the response carries it too.
 */
export default {
  priority: 100001,
  version: '1.0.0',
  /** The response carries the ID only with `echo_downstream`: without it, no headerFilter call. */
  phases(conf) {
    return conf.echo_downstream ? ['access', 'headerFilter'] : ['access']
  },
  access(kong, conf) {
    let id = kong.request.getHeader(conf.header_name)
    if (!id) {
      id = generators[conf.generator](kong)
      kong.service.request.setHeader(conf.header_name, id)
    }
    kong.log.setSerializeValue('correlation_id', id)
    if (conf.echo_downstream) kong.ctx.plugin.correlation_id = id
  },
  headerFilter(kong, conf) {
    if (!conf.echo_downstream) return
    // Access may not have run (another plugin answered first): reuse the client's ID or make one.
    const kept = kong.ctx.plugin.correlation_id
    let id = typeof kept === 'string' ? kept : kong.request.getHeader(conf.header_name)
    if (!id) id = generators[conf.generator](kong)
    kong.response.setHeader(conf.header_name, id)
  },
} satisfies Plugin<Config>

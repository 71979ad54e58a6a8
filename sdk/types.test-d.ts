/**
 * Type-level tests, checked by the root type check (`npm run typecheck`): every
 * `@ts-expect-error` line must fail to compile, so the forbidden calls stay forbidden.
 */
import type {
  AccessKong,
  BodyFilterKong,
  HeaderFilterKong,
  LogKong,
  Plugin,
  PluginSchema,
  RewriteKong,
} from './index.ts'

interface Config {
  greeting: string
}

export const allowed = {
  priority: 1000,
  version: '1.0.0',
  async access(kong, conf) {
    const token = await kong.request.getHeader('x-token')
    if (!token) return kong.response.exit(401, { message: 'no token' })
    kong.service.request.setHeader('x-greeting', conf.greeting)
    kong.service.setTimeouts(1000, 1000, 1000)
    kong.client.authenticate({ id: 'c' }, null)
    const body = await kong.request.getBody<{ name: string }>('application/json')
    kong.ctx.plugin.name = body.name
    kong.log.err('failed: ', token)
  },
  headerFilter(kong) {
    kong.response.setHeader('x-status', kong.response.getStatus() ?? 0)
    kong.response.exit(500)
  },
  bodyFilter(kong) {
    const body = kong.response.getRawBody()
    if (body !== null) kong.response.setRawBody(body.toUpperCase())
  },
  log(kong) {
    kong.log.info(kong.log.serialize())
  },
  configure(_kong, configs) {
    configs?.map((config) => config.greeting.length)
  },
  phases(conf) {
    return conf.greeting === '' ? ['access'] : ['access', 'headerFilter', 'bodyFilter', 'log']
  },
} satisfies Plugin<Config>

export const unknownPhase = {
  priority: 1,
  version: '1.0.0',
  access() {},
  // @ts-expect-error only request phases may be listed
  phases: () => ['access', 'configure'],
} satisfies Plugin<Config>

export function forbidden(
  rewrite: RewriteKong,
  access: AccessKong,
  headerFilter: HeaderFilterKong,
  bodyFilter: BodyFilterKong,
  log: LogKong,
): void {
  // @ts-expect-error no router before the router ran
  rewrite.router.getRoute()
  // @ts-expect-error no consumer before access
  rewrite.client.getConsumer()
  // @ts-expect-error retries are set in access only
  rewrite.service.setRetries(1)
  // @ts-expect-error response getters start in the response phase
  access.response.getStatus()
  // @ts-expect-error the body is read chunk by chunk in bodyFilter only
  access.response.getRawBody()
  // @ts-expect-error the upstream request is gone after access
  headerFilter.service.request.setHeader('x', 'y')
  // @ts-expect-error the request body is not readable after the response started
  headerFilter.request.getRawBody()
  // @ts-expect-error authenticate is access only
  headerFilter.client.authenticate(null, null)
  // @ts-expect-error headers are sent before bodyFilter
  bodyFilter.response.setHeader('x', 'y')
  // @ts-expect-error no exit once the body streams
  bodyFilter.response.exit(500)
  // @ts-expect-error no exit in log
  log.response.exit(403)
  // @ts-expect-error no error in log
  log.response.error(500)
  // @ts-expect-error nothing to set in log
  log.response.setStatus(200)
  // @ts-expect-error setRawBody is bodyFilter only
  log.response.setRawBody('x')
  // @ts-expect-error serialize is log only
  access.log.serialize()
  // @ts-expect-error setMethod takes Kong's methods only
  access.service.request.setMethod('FETCH')
  // @ts-expect-error kong.crypto knows these digests only
  void access.crypto.digest('sha3-256', 'x')
  // @ts-expect-error hex or base64 only
  void log.crypto.randomBytes(16, 'utf8')
}

export function exitIsNever(kong: AccessKong): string {
  // exit and error never return: a function that must return a string may end with them.
  kong.response.error(403)
}

export const initWorkerHasNoRequest: Plugin = {
  priority: 1,
  version: '0.0.1',
  initWorker(kong) {
    kong.log.notice(kong.node.getHostname())
    // @ts-expect-error no request in initWorker
    kong.request.getHeader('x')
    // @ts-expect-error no ctx outside a request
    kong.ctx.shared.x = 1
    // @ts-expect-error no crypto outside a request
    void kong.crypto.randomUUID()
    // @ts-expect-error no kong.db outside a request
    void kong.db.consumers.select('id')
    // @ts-expect-error no kong.cache outside a request
    void kong.cache.probe('k')
  },
}

export const usesData: Plugin = {
  priority: 1,
  version: '0.0.1',
  async access(kong) {
    const credentials = kong.db.keyauth_credentials
    const key = credentials.cacheKey('abc')
    const found = await kong.cache.get(
      key,
      { ttl: 5, neg_ttl: 1 },
      (k: string) => credentials.selectByKey(k),
      'abc',
    )
    const consumer = await kong.db.consumers.selectByUsername('ann')
    const page = await credentials.pageForConsumer({ id: String(consumer?.id) }, { size: 10 })
    await credentials.insert({ key: 'k' }, { ttl: 60 })
    kong.service.request.setHeader('x-count', String(page.data.length + (found ? 1 : 0)))
    // @ts-expect-error the loader's arguments follow it
    await kong.cache.get(key, null, (k: string) => k, 42)
  },
}

export const schema = {
  name: 'my-plugin',
  config: { type: 'object' },
  description: 'an example',
} satisfies PluginSchema

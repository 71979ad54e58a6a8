import type { Plugin } from 'isogate/sdk'
import type { Config } from './schema.ts'

/**
 * After the response is sent (log phase), one usage record for the request's consumer; requests
 * without an authenticated consumer are not metered. A failed write is logged, never the client's
 * problem: the response is already gone.
 */
export default {
  priority: 5,
  version: '1.0.0',
  async log(kong, conf) {
    const consumer = kong.client.getConsumer()
    if (consumer === null) return
    const route = kong.router.getRoute()
    try {
      await kong.db.usage_records.insert(
        {
          consumer: { id: consumer.id },
          route: route === null ? null : { id: route.id },
          method: kong.request.getMethod(),
          status: kong.response.getStatus(),
        },
        { ttl: conf.retention_seconds },
      )
    } catch (error) {
      kong.log.err('could not record usage: ', (error as Error).message)
    }
  },
} satisfies Plugin<Config>

import type { Plugin } from 'isogate/sdk'

/**
 * runPlugin's `request.consumer`: loads the consumer runPlugin created and authenticates it
 * through the real PDK, before any other plugin's access (the highest priority there is).
 */
export default {
  priority: Number.MAX_SAFE_INTEGER,
  version: '1.0.0',
  async access(kong, conf: { consumer_id: string }) {
    const consumer = await kong.client.loadConsumer(conf.consumer_id)
    if (consumer === null) throw new Error(`consumer ${conf.consumer_id} not found`)
    kong.client.authenticate(consumer, null)
  },
} satisfies Plugin<{ consumer_id: string }>

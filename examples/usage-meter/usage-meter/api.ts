import type { AdminKong, ConsumerEntity, PluginApi } from 'isogate/sdk'
import { summarize } from './summary.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** As the Admin API finds a consumer in a URL: by id when it looks like one, else by username. */
async function findConsumer(kong: AdminKong, idOrName: string): Promise<ConsumerEntity | null> {
  const byId = UUID.test(idOrName) ? await kong.db.consumers.select({ id: idOrName }) : null
  return byId ?? (await kong.db.consumers.selectByUsername(idOrName))
}

/** `GET /consumers/{id or username}/usage/summary`: the consumer's request counts. */
export default {
  '/consumers/:consumers/usage/summary': {
    async GET(kong, request) {
      const consumer = await findConsumer(kong, request.params.consumers ?? '')
      if (consumer === null) return { status: 404, body: { message: 'Not found' } }
      return { body: await summarize(kong.db, consumer.id) }
    },
  },
} satisfies PluginApi

import { BENCH_CONSUMER } from './bench-consumer.ts'
import type { Kong } from './kong.ts'

/** ACL groups by consumer id, in the plugin server's memory (warm kong.cache in the isogate rows). */
const GROUPS = new Map<string, string[]>([[BENCH_CONSUMER.id, ['bench']]])

/** Kong's acl with an allow list: the authenticated consumer's groups, 403 when none is allowed. */
class Acl {
  readonly #allow: string[]

  constructor(config: { allow?: string[] }) {
    this.#allow = config.allow ?? []
  }

  async access(kong: Kong) {
    const consumer = (await kong.client.getConsumer()) as { id?: string } | null
    const groups = (consumer?.id && GROUPS.get(consumer.id)) || []
    if (!groups.some((group) => this.#allow.includes(group))) {
      return kong.response.exit(403, { message: 'You cannot consume this service' })
    }
    await kong.service.request.setHeader('X-Consumer-Groups', groups.join(', '))
  }
}

export const acl = { Name: 'acl', Priority: 950, Version: '1.0.0', Plugin: Acl }

import type { AccessKong, Plugin } from 'isogate/sdk'
import { authenticatedGroups, consumerGroups } from './groups.ts'
import type { Config } from './schema.ts'

const DENIED = 'You cannot consume this service'

/** Kong's rule: a non-empty `deny` makes it a deny list, otherwise `allow` is the allow list. */
function listOf(conf: Config): { deny: boolean; groups: string[] } {
  if (conf.deny?.length) return { deny: true, groups: conf.deny }
  return { deny: false, groups: conf.allow ?? [] }
}

/** Kong's consumer of the request: the authenticated consumer, else the credential's `consumer_id`. */
function currentConsumerId(kong: AccessKong): string | null {
  const id = kong.client.getConsumer()?.id ?? kong.client.getCredential()?.consumer_id
  return typeof id === 'string' && id !== '' ? id : null
}

/** Blocks, or lets through with the groups header (unless hidden). */
function decide(kong: AccessKong, conf: Config, blocked: boolean, header: string, groups: string[]) {
  if (blocked) return kong.response.error(403, DENIED)
  if (!conf.hide_groups_header) kong.service.request.setHeader(header, groups.join(', '))
}

/**
 * Kong 3.x's acl: the authenticated consumer's ACL groups (or the authenticated groups an
 * authentication plugin left in `kong.ctx.shared.authenticated_groups`, which win for anonymous
 * consumers, for requests without a consumer, and always with `always_use_authenticated_groups`)
 * checked against the allow or deny list.
 */
export default {
  priority: 950,
  version: '1.0.0',
  async access(kong, conf) {
    const { deny, groups } = listOf(conf)
    const consumerId = currentConsumerId(kong)
    const credential = kong.client.getCredential()
    const authenticated =
      consumerId === null || credential === null || conf.always_use_authenticated_groups
        ? authenticatedGroups(kong)
        : null
    if (authenticated !== null) {
      const inGroup = groups.some((group) => authenticated.includes(group))
      return decide(kong, conf, deny === inGroup, 'X-Authenticated-Groups', authenticated)
    }
    if (consumerId === null) {
      // Kong says more when a credential was presented but names no consumer.
      return credential === null ? kong.response.error(401) : kong.response.error(403, DENIED)
    }
    const mine = await consumerGroups(kong, consumerId)
    const blocked = deny === groups.some((group) => mine.includes(group))
    return decide(kong, conf, blocked, 'X-Consumer-Groups', mine)
  },
} satisfies Plugin<Config>

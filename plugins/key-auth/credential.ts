import type { AccessKong, ConsumerEntity, Entity } from 'isogate/sdk'

export interface Credential extends Entity {
  consumer: { id: string }
  key: string
}

/**
 * The credential of `key`, through kong.cache as Kong does. The Admin API invalidates the entry on
 * every change of the credential, and the gateway purges an expiring one when its ttl runs out
 * (which invalidates it too), so a cached credential is never stale. Database errors throw.
 */
export function credentialFor(kong: AccessKong, key: string): Promise<Credential | null> {
  return kong.cache.get<Credential, [string]>(
    kong.db.keyauth_credentials.cacheKey(key),
    null,
    (value) => kong.db.keyauth_credentials.selectByKey(value),
    key,
  )
}

/** A consumer by id (or, with `byUsername`, by username), through kong.cache as Kong does. */
export function consumerFor(kong: AccessKong, idOrName: string, byUsername = false) {
  return kong.cache.get<ConsumerEntity, [string]>(
    kong.db.consumers.cacheKey(idOrName),
    null,
    (value) => kong.client.loadConsumer(value, byUsername),
    idOrName,
  )
}

import type { AccessKong, ConsumerEntity } from 'isogate/sdk'

/** kong.cache refuses longer keys; such a lookup goes to the database uncached. */
const MAX_CACHE_KEY = 1024

export interface Credential {
  id: string
  username: string
  password: unknown
  consumer: { id: string }
  [field: string]: unknown
}

/** The credential of `username`, through the cache (Kong's load_credential_from_db). */
export async function loadCredential(kong: AccessKong, username: string): Promise<Credential | null> {
  const credentials = kong.db.basicauth_credentials
  const key = credentials.cacheKey(username)
  const load = (name: string) => credentials.selectByUsername(name) as Promise<Credential | null>
  if (key.length > MAX_CACHE_KEY) return load(username)
  return kong.cache.get(key, null, load, username)
}

/** A consumer by id, or by id then username (`anonymous`), cached under its id's key as in Kong. */
export function loadConsumer(kong: AccessKong, idOrUsername: string, byUsername: boolean) {
  return kong.cache.get<ConsumerEntity, [string]>(
    kong.db.consumers.cacheKey(idOrUsername),
    null,
    (value: string) => kong.client.loadConsumer(value, byUsername),
    idOrUsername,
  )
}

/**
 * Kong's set_consumer: authenticates the request and tells the upstream who it is; without a
 * credential the consumer is the anonymous one.
 */
export function setConsumer(
  kong: AccessKong,
  consumer: ConsumerEntity | null,
  credential: Credential | null,
) {
  const upstream = kong.service.request
  const header = (name: string, value: string | null | undefined) => {
    if (value === null || value === undefined) upstream.clearHeader(name)
    else upstream.setHeader(name, value)
  }
  header('X-Consumer-ID', consumer?.id)
  header('X-Consumer-Custom-ID', consumer?.custom_id)
  header('X-Consumer-Username', consumer?.username)
  kong.client.authenticate(consumer, credential)
  header('X-Credential-Identifier', credential?.username)
  header('X-Anonymous-Consumer', credential ? null : 'true')
}

import type { AccessKong, ConsumerEntity, Plugin } from 'isogate/sdk'
import { consumerFor, credentialFor } from './credential.ts'
import { findKey } from './find-key.ts'
import type { Config } from './schema.ts'
import { setConsumer } from './set-consumer.ts'

interface Failure {
  status: number
  message: string
  headers?: Record<string, string>
}

/** Kong's authentication: the key, its credential, its consumer; a Failure when any is missing. */
async function authenticate(kong: AccessKong, conf: Config): Promise<Failure | null> {
  const challenge = conf.realm == null ? 'Key' : `Key realm="${conf.realm}"`
  const unauthorized = (message: string): Failure => ({
    status: 401,
    message,
    headers: { 'WWW-Authenticate': challenge },
  })
  const found = await findKey(kong, conf)
  if (found === 'duplicate') return unauthorized('Duplicate API key found')
  if (found === null || found.key === '') return unauthorized('No API key found in request')
  const credential = await credentialFor(kong, found.key)
  if (credential === null) return unauthorized('Unauthorized')
  let consumer: ConsumerEntity | null
  try {
    consumer = await consumerFor(kong, credential.consumer.id)
  } catch (error) {
    kong.log.err((error as Error).message)
    return { status: 500, message: 'An unexpected error occurred' }
  }
  setConsumer(kong, consumer, credential)
  return null
}

/** The configured anonymous consumer (by id, then username); 500 when it does not exist. */
async function authenticateAnonymous(kong: AccessKong, anonymous: string): Promise<void> {
  const consumer = anonymous === '' ? null : await consumerFor(kong, anonymous, true)
  if (consumer === null) {
    const message = `anonymous consumer ${anonymous} is configured but doesn't exist`
    kong.log.err(message)
    return kong.response.error(500, message)
  }
  setConsumer(kong, consumer, null)
}

/**
 * Kong's key-auth. With `anonymous` set, authentication methods combine as a logical OR: a request
 * another plugin already authenticated passes untouched, and a failure falls back to the anonymous
 * consumer. Without it (logical AND), a failure ends the request.
 */
export default {
  priority: 1250,
  version: '1.0.0',
  async access(kong, conf) {
    if (!conf.run_on_preflight && kong.request.getMethod() === 'OPTIONS') return
    if (conf.anonymous != null) {
      if (kong.client.getCredential()) return
      if ((await authenticate(kong, conf)) !== null) await authenticateAnonymous(kong, conf.anonymous)
      return
    }
    const failure = await authenticate(kong, conf)
    if (failure !== null) return kong.response.error(failure.status, failure.message, failure.headers)
  },
} satisfies Plugin<Config>

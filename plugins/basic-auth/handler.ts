import type { AccessKong, Plugin } from 'isogate/sdk'
import { loadConsumer, loadCredential, setConsumer } from './consumer.ts'
import { type Given, retrieveCredentials } from './credentials.ts'
import type { Config } from './schema.ts'
import { passwordMatches } from './verify.ts'

/**
 * Kong's do_authentication: the credential named in Proxy-Authorization, else in Authorization,
 * whose password matches; then its consumer. False when the request is not authenticated.
 */
async function authenticate(kong: AccessKong, conf: Config): Promise<boolean> {
  const authorization = kong.request.getHeader('authorization')
  const proxyAuthorization = kong.request.getHeader('proxy-authorization')
  if (authorization === null && proxyAuthorization === null) return false
  let given: Given | null = null
  let credential = null
  if (proxyAuthorization !== null) {
    given = retrieveCredentials(kong, 'proxy-authorization', proxyAuthorization, conf)
    if (given) credential = await loadCredential(kong, given.username)
  }
  if (!credential && authorization !== null) {
    given = retrieveCredentials(kong, 'authorization', authorization, conf)
    if (!given) return false
    credential = await loadCredential(kong, given.username)
  }
  if (!credential || !given || !(await passwordMatches(kong, credential, given.password))) return false
  setConsumer(kong, await loadConsumer(kong, credential.consumer.id, false), credential)
  return true
}

/**
 * Kong 3.x's basic-auth. With `anonymous` it is one of several ways in (logical OR): an already
 * authenticated request passes, a failed one continues as the anonymous consumer. Without it, a
 * failure ends the request with 401.
 */
export default {
  priority: 1100,
  version: '1.0.0',
  async access(kong, conf) {
    if (conf.anonymous === null) {
      if (await authenticate(kong, conf)) return
      return kong.response.error(401, 'Unauthorized', { 'WWW-Authenticate': `Basic realm="${conf.realm}"` })
    }
    if (kong.client.getCredential()) return
    if (await authenticate(kong, conf)) return
    const anonymous = await loadConsumer(kong, conf.anonymous, true)
    if (!anonymous) {
      kong.log.err(`anonymous consumer ${conf.anonymous} is configured but doesn't exist`)
      return kong.response.error(500)
    }
    setConsumer(kong, anonymous, null)
  },
} satisfies Plugin<Config>

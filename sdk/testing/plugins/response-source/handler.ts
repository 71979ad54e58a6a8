import type { Plugin } from 'isogate/sdk'

/**
 * runPlugin's last word on a request: the response's source (`service`, `exit`, `error`) as the
 * gateway's PDK sees it. The lowest priority there is, so its log phase runs after every other
 * plugin's has ended: its line also tells runPlugin the request is over.
 */
export default {
  priority: Number.MIN_SAFE_INTEGER,
  version: '1.0.0',
  log(kong) {
    kong.log.debug(kong.response.getSource())
  },
} satisfies Plugin

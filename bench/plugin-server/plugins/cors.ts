import type { Kong } from './kong.ts'

const METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT'

/**
 * Kong's cors for `origins: ['*']`: a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered at once; any other response gets
 * `Access-Control-Allow-Origin: *` in the `response` phase (external plugins have no header_filter).
 */
class Cors {
  async access(kong: Kong) {
    const method = await kong.request.getMethod()
    const origin = await kong.request.getHeader('Origin')
    if (method !== 'OPTIONS' || !origin) return
    const requested = await kong.request.getHeader('Access-Control-Request-Method')
    if (!requested) return
    const headers = await kong.request.getHeader('Access-Control-Request-Headers')
    return kong.response.exit(200, '', {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': METHODS,
      ...(headers ? { 'Access-Control-Allow-Headers': headers } : {}),
    })
  }

  async response(kong: Kong) {
    await kong.response.setHeader('Access-Control-Allow-Origin', '*')
  }
}

export const cors = { Name: 'cors', Priority: 2000, Version: '1.0.0', Plugin: Cors }

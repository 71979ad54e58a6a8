import type { Route } from '../entities/types.ts'

/**
 * Kong's router does not select routes by protocol: `http` and `https` are not part of the match
 * (`get_expression` in `kong/router/transform.lua` only uses the scheme for `snis`). After the match,
 * the access phase (`kong/runloop/handler.lua`) refuses plain traffic on an https-only route.
 * Returns the status to answer with (`https_redirect_status_code`: 426 "Please use HTTPS protocol",
 * or 301/302/307/308 to `https://<host><request uri>`), or null when the request may proceed.
 * `forwardedProto`: the scheme, or a trusted peer's `X-Forwarded-Proto`.
 */
export function httpsRedirectStatus(route: Route, forwardedProto: string): number | null {
  const { protocols } = route
  if (!protocols.includes('https') || protocols.includes('http') || forwardedProto === 'https') return null
  return route.https_redirect_status_code ?? 426
}

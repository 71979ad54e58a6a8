/**
 * Caps on what one isolate answer may contain. Everything an isolate says is copied into the host's
 * heap, so each is bounded; an answer past a cap is a BridgeViolation (503, isolate disposed).
 * Sizes are in UTF-16 code units (JavaScript string length), as the answer arrives.
 */
export const BRIDGE_LIMITS = {
  /** The whole JSON answer of one crossing; checked inside the isolate before anything is copied. */
  resultChars: 16 * 1024 * 1024,
  /** A body (raw or base64) in a mutation, an exit, or a bodyFilter chunk. */
  bodyChars: 12 * 1024 * 1024,
  mutations: 1000,
  /** Entries of one header map (setHeaders, exit headers), and values of one header. */
  headers: 256,
  headerValues: 64,
  headerNameChars: 256,
  headerValueChars: 32 * 1024,
  /** Paths, raw queries, target hosts. */
  urlChars: 64 * 1024,
  /** kong.log lines of one answer (all outcomes together) and of one line. */
  logLines: 500,
  logChars: 16 * 1024,
  /** Error messages and stacks in outcomes, and other free text. */
  textChars: 64 * 1024,
  outcomes: 256,
  ioRequests: 64,
  ioArgs: 16,
  crossingsPerCall: 100_000,
} as const

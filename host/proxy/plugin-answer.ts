import type { ServerResponse } from 'node:http'
import { JSON_TYPE } from './gateway-response.ts'
import { answerHeaderList, type HeaderRecord } from './header-records.ts'
import type { GatewayAnswer } from './plugin-hooks.ts'
import type { PluginRun } from './plugin-run.ts'

const EMPTY = Buffer.alloc(0)

/** Kong's JSON error body as a gateway answer. */
export function jsonAnswer(status: number, message: string, headers: HeaderRecord = {}): GatewayAnswer {
  return {
    status,
    headers: { ...headers, 'content-type': JSON_TYPE },
    body: Buffer.from(JSON.stringify({ message })),
  }
}

/** Writes a gateway-made answer; `gateway` is the flat list of the gateway's own headers. */
export function writeAnswer(
  res: ServerResponse,
  answer: GatewayAnswer,
  gateway: readonly string[],
  close: boolean,
): void {
  const body = answer.body ?? EMPTY
  res.writeHead(answer.status, answerHeaderList(answer.headers, gateway, answer.status, body.length, close))
  res.end(body)
}

/**
 * Sends a gateway-made answer of a request with plugins: through `headerFilter` (which sees the
 * answer's Content-Length, as Kong's exit sets one) and one `bodyFilter` call with eof, then
 * framed by the filtered body's length.
 */
export async function sendAnswer(
  run: PluginRun,
  answer: GatewayAnswer,
  source: 'exit' | 'error',
  gateway: readonly string[],
  close: boolean,
): Promise<void> {
  const { pr, ctx } = run
  try {
    let { status, headers } = answer
    let body = answer.body ?? EMPTY
    if (pr.hasHeaderFilter) {
      const withLength = { ...headers, 'content-length': String(body.length) }
      const filtered = await run.call('headerFilter', pr.headerFilter(status, withLength, source))
      if (run.gone) return
      status = filtered.status
      headers = filtered.headers
    }
    if (pr.hasBodyFilter) {
      body = await run.call('bodyFilter', pr.bodyFilter(body, true))
      if (run.gone) return
    }
    writeAnswer(ctx.res, { status, headers, body }, gateway, close || run.deps.closing())
  } catch (err) {
    run.fail(err)
  }
}

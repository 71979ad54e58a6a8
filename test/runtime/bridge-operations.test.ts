import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { createPluginIsolate } from '../../runtime/isolate/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Operations the real prelude never sends (it refuses such setter calls itself), forged into its
 * answers: the host's one pass (host/chain/apply-mutations.ts) must refuse each in the running
 * gateway, in both isolation modes, and let nothing of the refused answer reach the upstream or
 * the client.
 */

/** tagger's access sets `x-tagger: <config value>`: the forger replaces that op by these. */
const ACCESS: Record<string, [unknown[], string]> = {
  'bad-name': [[{ op: 'service.request.setHeader', name: 'x a', value: '1' }], 'header_name'],
  crlf: [[{ op: 'service.request.setHeader', name: 'x-a', value: 'a\r\nx-evil: 1' }], 'header_value'],
  framing: [[{ op: 'response.setHeader', name: 'Transfer-Encoding', value: 'chunked' }], 'header_name'],
  'bad-status': [[{ op: 'response.setStatus', status: 99 }], 'status'],
  'bad-path': [[{ op: 'service.request.setPath', path: 'etc/passwd' }], 'path'],
  'bad-query': [[{ op: 'service.request.setRawQuery', query: 'a=1#frag' }], 'query'],
  'bad-target': [[{ op: 'service.setTarget', host: 'evil/x', port: 80 }], 'target'],
  // Good operations first: taken back with the answer, none reaches the upstream or the client.
  partial: [
    [
      { op: 'service.request.setHeader', name: 'x-leak', value: '1' },
      { op: 'response.setHeader', name: 'x-leak', value: '1' },
      { op: 'service.setTarget', host: '127.0.0.1', port: 1 },
      { op: 'response.setStatus', status: 600 },
    ],
    'status',
  ],
}
/** tagger's headerFilter sets `x-tagger-seen: <config value>`: replaced for the `late` route only. */
const HEADER_FILTER: Record<string, unknown[]> = {
  late: [
    { op: 'response.setHeader', name: 'x-leak', value: '1' },
    { op: 'response.setStatus', status: 418 },
    { op: 'response.setHeader', name: 'x-b', value: 'a\nb' },
  ],
}

/**
 * The real prelude with its `__isogate` renamed, then a stand-in under the real name (the gate
 * captures that one) whose dispatch rewrites the real one's answers, late ones included.
 */
const forging = (prelude: string): string => {
  const renamed = prelude.replace('"__isogate"', '"__isogateReal"')
  expect(renamed).not.toBe(prelude)
  return `${renamed};(() => {
  const real = globalThis.__isogateReal;
  const access = ${JSON.stringify(Object.fromEntries(Object.entries(ACCESS).map(([k, [ops]]) => [k, ops])))};
  const late = ${JSON.stringify(HEADER_FILTER)};
  const forge = (text) => {
    if (typeof text !== 'string' || !text.includes('x-tagger')) return text;
    const answer = JSON.parse(text);
    if (!Array.isArray(answer.mutations)) return text;
    answer.mutations = answer.mutations.flatMap((m) =>
      (m.name === 'x-tagger' && access[m.value]) || (m.name === 'x-tagger-seen' && late[m.value]) || [m]);
    return JSON.stringify(answer);
  };
  globalThis.__isogate = {
    adopt: real.adopt,
    meta: real.meta,
    dispatch: (json, box) =>
      forge(real.dispatch(json, typeof box === 'function' ? (text) => box(text === null ? null : forge(text)) : box)),
  };
})();`
}

for (const isolation of ['plugin', 'workspace'] as const) {
  describe(`forged operations (isolation = ${isolation})`, () => {
    let upstream: EchoServer
    let gw: TestGateway
    let upstreamHits = 0

    beforeAll(async () => {
      upstream = await startEchoServer()
      upstream.server.on('request', () => upstreamHits++)
      gw = await startTestGateway(
        { plugins: 'tagger', plugin_paths: FIXTURE_PLUGINS, isolation, plugin_strikes: 1_000_000 },
        {
          captureLogs: true,
          createIsolate: (options) => createPluginIsolate({ ...options, prelude: forging(options.prelude) }),
        },
      )
      const ok = (status: number) => expect(status).toBeLessThan(300)
      ok((await gw.admin('POST', '/services', { name: 's', url: upstream.url })).status)
      for (const name of [...Object.keys(ACCESS), ...Object.keys(HEADER_FILTER), 'fine']) {
        ok((await gw.admin('POST', '/services/s/routes', { name, paths: [`/${name}`] })).status)
        ok(
          (await gw.admin('POST', `/routes/${name}/plugins`, { name: 'tagger', config: { value: name } }))
            .status,
        )
      }
    })
    afterAll(async () => {
      await gw?.stop()
      await upstream?.close()
    })

    const failures = (requestId: string | null) =>
      gw.logs.filter((line) => line.msg === 'plugin failed' && line.request_id === requestId)

    for (const [name, [, rule]] of Object.entries(ACCESS)) {
      it(`fails the request with 500 and one bridge_violation line for ${name} (${rule})`, async () => {
        const hits = upstreamHits
        const answer = await fetch(`${gw.proxyUrl}/${name}`)
        expect(answer.status).toBe(500)
        expect(await answer.json()).toEqual({ message: 'An unexpected error occurred' })
        expect(answer.headers.get('x-leak')).toBeNull()
        expect(upstreamHits).toBe(hits)
        const lines = failures(answer.headers.get('x-isogate-request-id'))
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatchObject({ plugin: 'tagger', phase: 'access', reason: 'bridge_violation' })
        expect(String(lines[0]?.['detail'])).toContain(`bridge violation (${rule}): mutations[`)
        // The isolate that sent it was disposed; the next request runs in a fresh one.
        const fine = await fetch(`${gw.proxyUrl}/fine`)
        expect(fine.status).toBe(200)
        expect(fine.headers.get('x-tagger-seen')).toBe('fine')
      })
    }

    it('sends none of a refused headerFilter answer: the response goes on as it was', async () => {
      const answer = await fetch(`${gw.proxyUrl}/late`)
      // headerFilter failures are contained (Kong's rule): the upstream's answer, untouched.
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-leak')).toBeNull()
      expect(answer.headers.get('x-tagger-seen')).toBeNull()
      expect(((await answer.json()) as { headers: Record<string, string> }).headers['x-tagger']).toBe('late')
      const lines = failures(answer.headers.get('x-isogate-request-id'))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ phase: 'headerFilter', reason: 'bridge_violation' })
      expect(String(lines[0]?.['detail'])).toContain('bridge violation (header_value): mutations[2].value')
    })
  })
}

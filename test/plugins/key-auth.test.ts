import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, type AuthGateway, multipart, startAuthGateway } from './auth-helpers.ts'

const FORM = 'application/x-www-form-urlencoded'
const JSON_TYPE = 'application/json'

/** Kong's 401 answer: its message and `WWW-Authenticate`. */
function expectChallenge(answer: Answer, message: string, challenge = 'Key'): void {
  expect(answer.status).toBe(401)
  expect(answer.body).toMatchObject({ message })
  expect(answer.headers['www-authenticate']).toBe(challenge)
}

/** Kong's key-auth through a real gateway, its isolates in both isolation modes. */
describe.each(['plugin', 'workspace'] as const)('key-auth (isolation = %s)', (isolation) => {
  let env: AuthGateway
  let bob: { id: string }
  let carol: { id: string }
  let nobody: { id: string }
  let bobKey: { id: string }
  const send = (path: string, options?: Parameters<AuthGateway['send']>[1]) => env.send(path, options)
  const upstreamHeaders = async (path: string, headers: Record<string, string>) => {
    const answer = await send(path, { headers })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return answer.body.headers as Record<string, string | undefined>
  }

  beforeAll(async () => {
    env = await startAuthGateway('key-auth', isolation)
    nobody = await env.create('/consumers', { username: 'no-body' })
    bob = await env.create('/consumers', { username: 'bob' })
    carol = await env.create('/consumers', { username: 'carol', custom_id: 'carol-42' })
    bobKey = await env.create('/consumers/bob/key-auth', { key: 'kong' })
    await env.create(`/consumers/${carol.id}/key-auth`, { key: 'carol-key' })
    const routes: [string, Record<string, Record<string, unknown>>][] = [
      ['plain', { 'key-auth': {} }],
      ['hidden', { 'key-auth': { hide_credentials: true } }],
      ['hidden-names', { 'key-auth': { hide_credentials: true, key_names: ['api_key'] } }],
      ['realm', { 'key-auth': { realm: 'service' } }],
      ['names', { 'key-auth': { key_names: ['api_key', 'x-token'] } }],
      ['body', { 'key-auth': { key_in_body: true } }],
      ['body-hidden', { 'key-auth': { key_in_body: true, hide_credentials: true } }],
      ['preflight', { 'key-auth': { run_on_preflight: false } }],
      ['anon', { 'key-auth': { anonymous: nobody.id } }],
      ['anon-name', { 'key-auth': { anonymous: 'no-body' } }],
      ['anon-missing', { 'key-auth': { anonymous: '00000000-0000-4000-8000-000000000000' } }],
      ['or', { 'pre-auth': {}, 'key-auth': { anonymous: nobody.id } }],
      ['and', { 'pre-auth': {}, 'key-auth': {} }],
    ]
    for (const [name, plugins] of routes) await env.route(name, plugins)
  })
  afterAll(() => env?.stop())

  it('answers 401 with WWW-Authenticate when no key is sent, OPTIONS included', async () => {
    expectChallenge(await send('/plain'), 'No API key found in request')
    expectChallenge(await send('/plain', { method: 'OPTIONS' }), 'No API key found in request')
    // An empty header, a bare query argument and an empty one are no key either.
    expectChallenge(await send('/plain', { headers: { apikey: '' } }), 'No API key found in request')
    expectChallenge(await send('/plain?apikey'), 'No API key found in request')
    expectChallenge(await send('/plain?apikey='), 'No API key found in request')
  })

  it('lets OPTIONS through unauthenticated when run_on_preflight is false', async () => {
    const answer = await send('/preflight', { method: 'OPTIONS' })
    expect(answer.status).toBe(200)
    expect(answer.body.headers['x-consumer-id']).toBeUndefined()
    expectChallenge(await send('/preflight'), 'No API key found in request')
  })

  it('authenticates a key from a header or the query string and names the consumer upstream', async () => {
    for (const [path, headers] of [
      ['/plain', { apikey: 'kong' }],
      ['/plain?apikey=kong', {}],
      ['/plain', { APIKEY: 'kong' }],
    ] as const) {
      const seen = await upstreamHeaders(path, headers)
      expect(seen['x-consumer-id']).toBe(bob.id)
      expect(seen['x-consumer-username']).toBe('bob')
      expect(seen['x-credential-identifier']).toBe(bobKey.id)
      expect(seen['x-consumer-custom-id']).toBeUndefined()
      expect(seen['x-anonymous-consumer']).toBeUndefined()
    }
    const seen = await upstreamHeaders('/plain', { apikey: 'carol-key' })
    expect(seen).toMatchObject({ 'x-consumer-id': carol.id, 'x-consumer-custom-id': 'carol-42' })
  })

  it("replaces or clears consumer headers the client sent, as Kong's set_consumer does", async () => {
    const seen = await upstreamHeaders('/plain', {
      apikey: 'kong',
      'x-consumer-username': 'mallory',
      'x-consumer-custom-id': 'spoofed',
      'x-anonymous-consumer': 'true',
    })
    expect(seen['x-consumer-username']).toBe('bob')
    expect(seen['x-consumer-custom-id']).toBeUndefined()
    expect(seen['x-anonymous-consumer']).toBeUndefined()
  })

  it('refuses an unknown key with 401 Unauthorized', async () => {
    expectChallenge(await send('/plain', { headers: { apikey: 'nope' } }), 'Unauthorized')
    expectChallenge(await send('/plain?apikey=nope'), 'Unauthorized')
    // The header is searched before the query string.
    expectChallenge(await send('/plain?apikey=kong', { headers: { apikey: 'nope' } }), 'Unauthorized')
  })

  it('refuses a key sent twice under one name with 401 Duplicate API key found', async () => {
    expectChallenge(await send('/plain?apikey=kong&apikey=kong'), 'Duplicate API key found')
    expectChallenge(
      await send('/plain', { headers: { apikey: ['kong', 'kong'] } }),
      'Duplicate API key found',
    )
  })

  it('names the configured realm in WWW-Authenticate', async () => {
    const challenge = 'Key realm="service"'
    expectChallenge(await send('/realm'), 'No API key found in request', challenge)
    expectChallenge(await send('/realm?apikey=nope'), 'Unauthorized', challenge)
    expectChallenge(await send('/realm?apikey=a&apikey=b'), 'Duplicate API key found', challenge)
    expect((await send('/realm?apikey=kong')).status).toBe(200)
  })

  it('tries each of key_names, a header name with `_` also matching `-`', async () => {
    expect((await send('/names', { headers: { api_key: 'kong' } })).status).toBe(200)
    expect((await send('/names', { headers: { 'api-key': 'kong' } })).status).toBe(200)
    expect((await send('/names', { headers: { 'x-token': 'kong' } })).status).toBe(200)
    expect((await send('/names?x-token=kong')).status).toBe(200)
    expectChallenge(await send('/names', { headers: { apikey: 'kong' } }), 'No API key found in request')
    expectChallenge(await send('/names', { headers: { api_key: 'nope' } }), 'Unauthorized')
  })

  it('finds the key in form, JSON and multipart bodies with key_in_body', async () => {
    const form = multipart({ apikey: 'kong', other: 'x' })
    for (const [type, body] of [
      [FORM, 'apikey=kong&other=x'],
      [JSON_TYPE, JSON.stringify({ apikey: 'kong', other: 'x' })],
      [form.contentType, form.body],
    ]) {
      const ok = await send('/body', { method: 'POST', headers: { 'content-type': type }, body })
      expect(ok.status, type).toBe(200)
      expect(ok.body.headers['x-consumer-id']).toBe(bob.id)
      const bad = await send('/body', {
        method: 'POST',
        headers: { 'content-type': type },
        body: body.replace('kong', 'nope'),
      })
      expectChallenge(bad, 'Unauthorized')
    }
    // Not in the body unless asked for.
    const json = JSON.stringify({ apikey: 'kong' })
    const plain = await send('/plain', { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: json })
    expectChallenge(plain, 'No API key found in request')
  })

  it('reads repeated and odd body fields as Kong does', async () => {
    const post = (type: string, body: string) =>
      send('/body', { method: 'POST', headers: { 'content-type': type }, body })
    expectChallenge(await post(FORM, 'apikey=kong&apikey=kong'), 'Duplicate API key found')
    expectChallenge(await post(JSON_TYPE, '{"apikey":["kong","kong"]}'), 'Duplicate API key found')
    expectChallenge(await post(FORM, 'apikey[]=kong&apikey[]=kong'), 'No API key found in request')
    expectChallenge(await post(FORM, 'apikey[1]=kong'), 'No API key found in request')
    expectChallenge(await post(JSON_TYPE, '["kong"]'), 'No API key found in request')
    // A body that cannot be parsed is no key, not an error.
    expectChallenge(await post('text/plain', 'apikey=kong'), 'No API key found in request')
    expectChallenge(await post(JSON_TYPE, '{not json'), 'No API key found in request')
    // Prototype names are not fields.
    expectChallenge(await send('/names', { headers: { constructor: 'x' } }), 'No API key found in request')
  })

  it('strips the key from headers and the query string with hide_credentials, and only then', async () => {
    const shown = await send('/plain?apikey=kong&keep=1', { headers: { apikey: 'kong' } })
    expect(shown.body.headers.apikey).toBe('kong')
    expect(shown.body.query).toBe('apikey=kong&keep=1')
    const hidden = await send('/hidden?apikey=kong&keep=1')
    expect(hidden.status).toBe(200)
    expect(hidden.body.query).toBe('keep=1')
    const header = await send('/hidden', { headers: { apikey: 'kong', other: 'y' } })
    expect(header.body.headers.apikey).toBeUndefined()
    expect(header.body.headers.other).toBe('y')
    // The header goes under whichever spelling carried it; query names are taken literally.
    for (const name of ['api_key', 'api-key']) {
      const answer = await send('/hidden-names?api_key=kong&api-key=x', { headers: { [name]: 'kong' } })
      expect(answer.status).toBe(200)
      expect(answer.body.headers[name]).toBeUndefined()
      expect(answer.body.query).toBe('api-key=x')
    }
  })

  it('strips the key from form, JSON and multipart bodies, keeping the rest and the MIME type', async () => {
    const post = (path: string, type: string, body: string) =>
      send(path, { method: 'POST', headers: { 'content-type': type }, body })
    const form = await post('/body-hidden', FORM, 'apikey=kong&foo=bar')
    expect(form.status).toBe(200)
    expect(form.body.body).toBe('foo=bar')
    expect(form.body.headers['content-type']).toBe(FORM)
    const json = await post('/body-hidden', JSON_TYPE, JSON.stringify({ apikey: 'kong', foo: 'bar' }))
    expect(JSON.parse(json.body.body)).toEqual({ foo: 'bar' })
    expect(json.body.headers['content-type']).toBe(JSON_TYPE)
    const parts = multipart({ apikey: 'kong', foo: 'bar' })
    const multi = await post('/body-hidden', parts.contentType, parts.body)
    expect(multi.status).toBe(200)
    expect(multi.body.body).toContain('name="foo"')
    expect(multi.body.body).toContain('bar')
    expect(multi.body.body).not.toContain('name="apikey"')
    expect(multi.body.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    // A key found in a header is also taken out of the body.
    const both = await send('/body-hidden?apikey=kong', {
      method: 'POST',
      headers: { apikey: 'kong', 'content-type': FORM },
      body: 'apikey=other&foo=bar',
    })
    expect(both.body).toMatchObject({ query: '', body: 'foo=bar' })
    expect(both.body.headers.apikey).toBeUndefined()
    // Without hide_credentials the body goes upstream as it came.
    const kept = await post('/body', FORM, 'apikey=kong&foo=bar')
    expect(kept.body.body).toBe('apikey=kong&foo=bar')
  })

  it('falls back to the anonymous consumer, by id or by username', async () => {
    for (const path of ['/anon', '/anon-name', '/anon?apikey=nope']) {
      const seen = await upstreamHeaders(path, { 'x-credential-identifier': 'spoofed' })
      expect(seen['x-anonymous-consumer'], path).toBe('true')
      expect(seen['x-consumer-id']).toBe(nobody.id)
      expect(seen['x-consumer-username']).toBe('no-body')
      expect(seen['x-credential-identifier']).toBeUndefined()
    }
    const authenticated = await upstreamHeaders('/anon?apikey=kong', {})
    expect(authenticated['x-consumer-username']).toBe('bob')
    expect(authenticated['x-credential-identifier']).toBe(bobKey.id)
    expect(authenticated['x-anonymous-consumer']).toBeUndefined()
  })

  it('answers 500 naming an anonymous consumer that does not exist', async () => {
    const answer = await send('/anon-missing')
    expect(answer.status).toBe(500)
    expect(answer.body.message).toBe(
      "anonymous consumer 00000000-0000-4000-8000-000000000000 is configured but doesn't exist",
    )
    // A working key never needs it.
    expect((await send('/anon-missing?apikey=kong')).status).toBe(200)
  })

  it('combines with another auth plugin as a logical OR with anonymous, an AND without', async () => {
    const orPre = await send('/or', { headers: { 'x-pre-auth': 'carol' } })
    expect(orPre.status).toBe(200)
    expect(orPre.body.headers['x-pre-authenticated']).toBe('carol')
    // Already authenticated: key-auth neither checks nor falls back to anonymous.
    expect(orPre.body.headers['x-anonymous-consumer']).toBeUndefined()
    expect(
      (await upstreamHeaders('/or', { 'x-pre-auth': 'carol', apikey: 'nope' }))['x-consumer-id'],
    ).toBeUndefined()
    expect((await upstreamHeaders('/or', {}))['x-anonymous-consumer']).toBe('true')
    expect((await upstreamHeaders('/or?apikey=kong', {}))['x-consumer-username']).toBe('bob')

    expectChallenge(await send('/and', { headers: { 'x-pre-auth': 'carol' } }), 'No API key found in request')
    const both = await upstreamHeaders('/and?apikey=kong', { 'x-pre-auth': 'carol' })
    expect(both['x-consumer-username']).toBe('bob')
  })

  it('honours key_in_header, key_in_query and key_in_body in every combination Kong tests', async () => {
    const flags = ['ttt', 'ttf', 'tff', 'fff', 'fft', 'tft', 'ftf']
    for (const f of flags) {
      await env.route(`m-${f}`, {
        'key-auth': { key_in_header: f[0] === 't', key_in_query: f[1] === 't', key_in_body: f[2] === 't' },
      })
    }
    const values = ['right', 'wrong', null] as const
    const keyOf = (value: string | null) => (value === 'right' ? 'kong' : 'nope')
    let checked = 0
    for (const header of values)
      for (const query of values)
        for (const body of values)
          for (const f of flags) {
            // Kong's rule: the first place searched that holds a value decides.
            const order = [
              f[0] === 't' ? header : null,
              f[1] === 't' ? query : null,
              f[2] === 't' ? body : null,
            ]
            const decisive = order.find((value) => value !== null)
            const answer = await send(`/m-${f}${query === null ? '' : `?apikey=${keyOf(query)}`}`, {
              method: 'POST',
              headers: { 'content-type': FORM, ...(header === null ? {} : { apikey: keyOf(header) }) },
              body: body === null ? '' : `apikey=${keyOf(body)}`,
            })
            expect(answer.status, `${header}/${query}/${body} on ${f}`).toBe(decisive === 'right' ? 200 : 401)
            checked++
          }
    expect(checked).toBe(27 * 7)
  })
})

/** Credentials changed through the Admin API take effect on the very next request. */
describe.each(['plugin', 'workspace'] as const)(
  'key-auth caching and workspaces (isolation = %s)',
  (isolation) => {
    let env: AuthGateway
    beforeAll(async () => {
      env = await startAuthGateway('key-auth', isolation)
      await env.route('cached', { 'key-auth': {} })
      await env.create('/consumers', { username: 'dave' })
    })
    afterAll(() => env?.stop())

    const status = async (key: string) => (await env.send('/cached', { headers: { apikey: key } })).status

    it('stops accepting a deleted key, and a key changed by PATCH, at once', async () => {
      const created = await env.create('/consumers/dave/key-auth', { key: 'short-lived' })
      expect(await status('short-lived')).toBe(200)
      expect(await status('short-lived')).toBe(200)
      expect((await env.gw.admin('DELETE', `/key-auths/${created.id}`)).status).toBe(204)
      expect(await status('short-lived')).toBe(401)

      // A miss is cached too: creating the key must make it work at once.
      expect(await status('renamed')).toBe(401)
      const second = await env.create('/consumers/dave/key-auth', { key: 'before' })
      expect(await status('before')).toBe(200)
      const patched = await env.gw.admin('PATCH', `/consumers/dave/key-auth/${second.id}`, { key: 'renamed' })
      expect(patched.status).toBe(200)
      expect(await status('before')).toBe(401)
      expect(await status('renamed')).toBe(200)
    })

    it('names a changed consumer, and an anonymous consumer created late, at once', async () => {
      const frank = await env.create('/consumers', { username: 'frank' })
      await env.create('/consumers/frank/key-auth', { key: 'frank-key' })
      const name = async () =>
        (await env.send('/cached', { headers: { apikey: 'frank-key' } })).body.headers['x-consumer-username']
      expect(await name()).toBe('frank')
      expect((await env.gw.admin('PATCH', `/consumers/${frank.id}`, { username: 'francis' })).status).toBe(
        200,
      )
      expect(await name()).toBe('francis')

      const late = '6f0a0c1e-5a55-4d8e-9a3c-1f1f1f1f1f1f'
      await env.route('late-anon', { 'key-auth': { anonymous: late } })
      expect((await env.send('/late-anon')).status).toBe(500)
      await env.create('/consumers', { id: late, username: 'latecomer' })
      const seen = await env.send('/late-anon')
      expect(seen.status).toBe(200)
      expect(seen.body.headers['x-consumer-username']).toBe('latecomer')
    })

    it("drops a consumer's keys with the consumer", async () => {
      const erin = await env.create('/consumers', { username: 'erin' })
      const key = await env.create('/consumers/erin/key-auth', { key: 'erin-key' })
      const seen = await env.send('/cached', { headers: { apikey: 'erin-key' } })
      expect(seen.body.headers['x-consumer-id']).toBe(erin.id)
      expect((await env.gw.admin('DELETE', '/consumers/erin')).status).toBe(204)
      expect((await env.gw.admin('GET', `/key-auths/${key.id}`)).status).toBe(404)
      expect(await status('erin-key')).toBe(401)
    })

    it("never accepts one workspace's key in another", async () => {
      await env.workspace('tenant')
      await env.route('tenant-cached', { 'key-auth': {} }, 'tenant')
      await env.create('/consumers', { username: 'dave' }, 'tenant')
      await env.create('/consumers/dave/key-auth', { key: 'tenant-key' }, 'tenant')
      await env.create('/consumers/dave/key-auth', { key: 'home-key' })
      const tenant = (key: string) => env.send('/tenant-cached', { headers: { apikey: key } })
      expect((await tenant('tenant-key')).status).toBe(200)
      expectChallenge(await tenant('home-key'), 'Unauthorized')
      expect(await status('home-key')).toBe(200)
      expect(await status('tenant-key')).toBe(401)
      // The same key may exist once per workspace, each naming its own consumer.
      const twin = await env.create('/consumers/dave/key-auth', { key: 'twin' }, 'tenant')
      const home = await env.create('/consumers/dave/key-auth', { key: 'twin' })
      expect((await tenant('twin')).body.headers['x-credential-identifier']).toBe(twin.id)
      const seen = await env.send('/cached', { headers: { apikey: 'twin' } })
      expect(seen.body.headers['x-credential-identifier']).toBe(home.id)
    })
  },
)

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writePluginFolders } from '../../test/helpers/index.ts'
import { PluginConfigError, runPlugin } from './index.ts'

const schema = (name: string, properties: Record<string, unknown> = {}) =>
  `export default {
  name: '${name}',
  config: { type: 'object', properties: ${JSON.stringify(properties)}, additionalProperties: false },
}
`

const folders: string[] = []
/** One plugin folder in a fresh temporary directory; its path. */
function plugin(name: string, handler: string, properties?: Record<string, unknown>): string {
  const root = writePluginFolders({
    [name]: { 'handler.ts': handler, 'schema.ts': schema(name, properties) },
  })
  folders.push(root)
  return join(root, name)
}
afterAll(() => {
  for (const root of folders) rmSync(root, { recursive: true, force: true })
})

describe('runPlugin', () => {
  it('sends the headers access set upstream, and answers with the upstream response', async () => {
    const dir = plugin(
      'tagger',
      `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong, conf) {
    kong.service.request.setHeader('X-Tag', conf.tag)
    kong.service.request.clearHeader('x-secret')
    kong.service.request.setPath('/v2' + kong.request.getPath())
  },
}
`,
      { tag: { type: 'string', default: 'blue' } },
    )
    const result = await runPlugin({
      dir,
      config: { tag: 'green' },
      request: {
        method: 'POST',
        path: '/things?a=1',
        headers: { 'X-Secret': 's', Accept: '*/*' },
        body: 'hi',
      },
      upstreamResponse: { status: 201, headers: { 'Content-Type': 'text/plain' }, body: 'made' },
    })
    expect(result).toEqual({
      status: 201,
      headers: { 'content-type': 'text/plain' },
      body: 'made',
      upstream: {
        method: 'POST',
        path: '/v2/things',
        query: 'a=1',
        headers: { host: 'localhost', accept: '*/*', 'x-tag': 'green' },
        body: 'hi',
      },
      exit: false,
      logs: [],
      error: null,
    })
  })

  it('skips the upstream when the plugin exits', async () => {
    const dir = plugin(
      'gate',
      `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong) {
    if (kong.request.getHeader('x-token') !== 'open') return kong.response.exit(401, { message: 'no token' }, { 'X-Why': 'token' })
  },
}
`,
    )
    const denied = await runPlugin({ dir })
    expect(denied).toMatchObject({ status: 401, upstream: null, exit: true, error: null })
    expect(JSON.parse(denied.body)).toEqual({ message: 'no token' })
    expect(denied.headers).toMatchObject({
      'x-why': 'token',
      'content-type': expect.stringContaining('application/json'),
    })
    const allowed = await runPlugin({ dir, request: { headers: { 'x-token': 'open' } } })
    expect(allowed).toMatchObject({ status: 200, exit: false, body: '' })
    expect(allowed.upstream?.headers['x-token']).toBe('open')
  })

  it('turns a throw into the gateway 500 and maps the stack to handler.ts', async () => {
    const dir = plugin(
      'thrower',
      `const check = (value: string): void => {
  if (value === '') throw new TypeError('empty value')
}

export default {
  priority: 1000,
  version: '1.0.0',
  access(kong) {
    check(kong.request.getHeader('x-value') ?? '')
  },
}
`,
    )
    const result = await runPlugin({ dir })
    expect(result).toMatchObject({
      status: 500,
      upstream: null,
      exit: false,
      error: { phase: 'access', reason: 'exception', message: 'empty value' },
    })
    expect(JSON.parse(result.body)).toEqual({ message: 'An unexpected error occurred' })
    expect(result.error?.stack).toContain('thrower/handler.ts:2:')
    expect(result.error?.stack).toContain('thrower/handler.ts:9:')
    expect(result.error?.stack).not.toContain('/tmp')
  })

  it('runs an async handler that awaits the request body', async () => {
    const dir = plugin(
      'reader',
      `export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    const body = await kong.request.getBody()
    kong.service.request.setHeader('x-name', String(body.name))
    kong.log.info('read ', body.name)
  },
}
`,
    )
    const body = JSON.stringify({ name: 'ada' })
    const result = await runPlugin({
      dir,
      request: { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    })
    expect(result.error).toBeNull()
    expect(result.upstream).toMatchObject({ body, headers: { 'x-name': 'ada' } })
    expect(result.logs).toEqual([{ level: 'info', message: 'read ada', phase: 'access' }])
  })

  it('fills config defaults and refuses an invalid config with Kong field errors', async () => {
    const dir = plugin(
      'configured',
      `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong, conf) {
    kong.service.request.setHeader('x-conf', JSON.stringify(conf))
  },
}
`,
      { n: { type: 'integer', default: 3 }, label: { type: 'string', default: 'x' } },
    )
    const result = await runPlugin({ dir, config: { label: 'y' } })
    expect(JSON.parse(String(result.upstream?.headers['x-conf']))).toEqual({ n: 3, label: 'y' })
    const refused = runPlugin({ dir, config: { n: 'three', colour: 'red' } })
    await expect(refused).rejects.toBeInstanceOf(PluginConfigError)
    await expect(refused).rejects.toMatchObject({
      message:
        'invalid config for plugin configured: 2 schema violations (config.colour: unknown field; config.n: expected an integer)',
      errors: { colour: 'unknown field', n: 'expected an integer' },
    })
  })

  it('runs headerFilter and bodyFilter over the upstream response, chunk by chunk', async () => {
    const dir = plugin(
      'shouter',
      `export default {
  priority: 1000,
  version: '1.0.0',
  headerFilter(kong) {
    kong.response.setHeader('x-upstream-status', String(kong.response.getStatus()))
    kong.response.clearHeader('x-internal')
  },
  bodyFilter(kong) {
    const body = kong.response.getRawBody()
    if (body !== null) kong.response.setRawBody(body.toUpperCase())
  },
  log(kong) {
    kong.log.notice('sent ', kong.response.getStatus())
  },
}
`,
    )
    const result = await runPlugin({
      dir,
      upstreamResponse: {
        status: 202,
        headers: { 'X-Internal': '1', 'content-length': '11' },
        body: ['hello', ' world'],
      },
    })
    expect(result).toMatchObject({
      status: 202,
      headers: { 'x-upstream-status': '202' },
      body: 'HELLO WORLD',
      error: null,
    })
    expect(result.headers['x-internal']).toBeUndefined()
    expect(result.headers['content-length']).toBeUndefined()
    expect(result.logs).toEqual([{ level: 'notice', message: 'sent 202', phase: 'log' }])
  })

  it('filters an exit answer too', async () => {
    const dir = plugin(
      'wrapped',
      `export default {
  priority: 1000,
  version: '1.0.0',
  access(kong) {
    kong.response.exit(418, 'short and stout')
  },
  headerFilter(kong) {
    kong.response.setHeader('x-source', kong.response.getSource())
  },
  bodyFilter(kong) {
    const body = kong.response.getRawBody()
    if (body !== null) kong.response.setRawBody('[' + body + ']')
  },
}
`,
    )
    const result = await runPlugin({ dir })
    expect(result).toMatchObject({
      status: 418,
      headers: { 'x-source': 'exit' },
      body: '[short and stout]',
      exit: true,
      upstream: null,
    })
  })

  it('hands the buffered upstream response to the response phase', async () => {
    const dir = plugin(
      'counter',
      `export default {
  priority: 1000,
  version: '1.0.0',
  async response(kong) {
    const body = await kong.service.response.getRawBody()
    kong.response.setHeader('x-length', String(body.length))
    if (kong.service.response.getStatus() === 500) {
      return kong.response.exit(502, { message: 'upstream broke', saw: body })
    }
    kong.response.setStatus(203)
  },
}
`,
    )
    const ok = await runPlugin({ dir, upstreamResponse: { body: ['abc', 'def'] } })
    expect(ok).toMatchObject({ status: 203, headers: { 'x-length': '6' }, body: 'abcdef', exit: false })
    expect(ok.upstream).not.toBeNull()
    const broken = await runPlugin({ dir, upstreamResponse: { status: 500, body: 'oops' } })
    expect(broken).toMatchObject({ status: 502, exit: true })
    expect(JSON.parse(broken.body)).toEqual({ message: 'upstream broke', saw: 'oops' })
    expect(broken.upstream).not.toBeNull()
  })

  it('stops a plugin that runs past its CPU budget with the gateway 503', async () => {
    const dir = plugin(
      'spinner',
      `export default {
  priority: 1000,
  version: '1.0.0',
  access() {
    for (;;) {}
  },
  log(kong) {
    kong.log.err('never reached')
  },
}
`,
    )
    const result = await runPlugin({ dir, cpuMs: 50 })
    expect(result).toMatchObject({
      status: 503,
      upstream: null,
      logs: [],
      error: { phase: 'access', reason: 'cpu_limit' },
    })
    expect(JSON.parse(result.body)).toEqual({ message: 'The upstream server is currently unavailable' })
  })

  it('reports a folder the gateway would refuse in one line', async () => {
    const dir = plugin('noversion', 'export default { priority: 1, version: "one" }\n')
    await expect(runPlugin({ dir })).rejects.toThrow(
      `error loading plugin schemas: on plugin 'noversion': Plugin "noversion" cannot be loaded because its VERSION field does not follow the "x.y.z" format, got: "one".`,
    )
    await expect(runPlugin({ dir: join(dir, 'missing') })).rejects.toThrow('no plugin folder at')
    const cors = plugin('cors', 'export default { priority: 1, version: "1.0.0" }\n')
    await expect(runPlugin({ dir: cors })).rejects.toThrow("runPlugin: cors is a bundled plugin's name")
  })

  it('gives kong.db the core entities, reading the gateway database', async () => {
    const dir = plugin(
      'reader',
      `export default {
  priority: 1,
  version: '1.0.0',
  async access(kong) {
    const names = Object.keys(kong.db).sort().join(',')
    const ann = await kong.db.consumers.selectByUsername('ann')
    return kong.response.exit(200, { names, ann: ann?.username ?? null })
  },
}
`,
    )
    const result = await runPlugin({ dir, entities: { consumers: [{ username: 'ann' }] } })
    expect(JSON.parse(result.body)).toEqual({ names: 'consumers,routes,services', ann: 'ann' })
  })
})

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writePluginFolders } from '../../test/helpers/index.ts'
import { runPlugin } from './index.ts'

const schema = (name: string) => `export default {
  name: '${name}',
  config: { type: 'object', properties: {}, additionalProperties: false },
}
`

const folders: string[] = []
function plugin(name: string, handler: string): string {
  const root = writePluginFolders({ [name]: { 'handler.ts': handler, 'schema.ts': schema(name) } })
  folders.push(root)
  return join(root, name)
}
afterAll(() => {
  for (const root of folders) rmSync(root, { recursive: true, force: true })
})

describe('kong.crypto', () => {
  it('digests, signs, draws random values, compares and hashes passwords from a plugin', async () => {
    const dir = plugin(
      'hasher',
      `export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    const c = kong.crypto
    const set = (name, value) => kong.service.request.setHeader('x-' + name, String(value))
    set('digest', await c.digest('sha256', 'abc'))
    set('digest-b64', await c.digest('md5', '', 'base64'))
    set('hmac', await c.hmac('sha256', 'Jefe', 'what do ya want for nothing?'))
    set('random', await c.randomBytes(8))
    set('random-b64', await c.randomBytes(3, 'base64'))
    set('uuid', await c.randomUUID())
    set('same', await c.timingSafeEqual('token', 'token'))
    set('differ', await c.timingSafeEqual('token', 'token2'))
    const hash = await c.hashPassword('s3cret')
    set('hash', hash)
    set('verified', await c.verifyPassword('s3cret', hash))
    set('wrong', await c.verifyPassword('guess', hash))
  },
}
`,
    )
    const result = await runPlugin({ dir })
    expect(result.error).toBeNull()
    const headers = result.upstream?.headers ?? {}
    expect(headers).toMatchObject({
      'x-digest': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'x-digest-b64': '1B2M2Y8AsgTpgAmY7PhCfg==',
      'x-hmac': '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      'x-same': 'true',
      'x-differ': 'false',
      'x-verified': 'true',
      'x-wrong': 'false',
    })
    expect(headers['x-random']).toMatch(/^[0-9a-f]{16}$/)
    expect(headers['x-random-b64']).toMatch(/^[A-Za-z0-9+/]{4}$/)
    expect(headers['x-uuid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(headers['x-hash']).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  })

  it('refuses bad arguments with PDK errors the plugin can catch', async () => {
    const dir = plugin(
      'misuser',
      `const attempts = {
  algorithm: (c) => c.digest('sha3', 'x'),
  data: (c) => c.hmac('sha1', 'k', 42),
  big: (c) => c.digest('sha1', 'x'.repeat(1024 * 1024 + 1)),
  encoding: (c) => c.digest('sha1', 'x', 'utf8'),
  size: (c) => c.randomBytes(2000),
  compare: (c) => c.timingSafeEqual('a', null),
  password: (c) => c.hashPassword(undefined),
  hash: (c) => c.verifyPassword('pw', 'not-a-hash'),
}
export default {
  priority: 1000,
  version: '1.0.0',
  async access(kong) {
    for (const [name, attempt] of Object.entries(attempts)) {
      try {
        await attempt(kong.crypto)
        kong.service.request.setHeader('x-' + name, 'accepted')
      } catch (err) {
        kong.service.request.setHeader('x-' + name, err.name + ': ' + err.message)
      }
    }
  },
}
`,
    )
    const result = await runPlugin({ dir })
    expect(result.error).toBeNull()
    expect(result.upstream?.headers).toMatchObject({
      'x-algorithm':
        'PDKError: kong.crypto.digest: algorithm must be one of sha1, sha256, sha384, sha512, md5',
      'x-data': 'PDKError: kong.crypto.hmac: data must be a string',
      'x-big': 'PDKError: kong.crypto.digest: data must be at most 1048576 characters',
      'x-encoding': "PDKError: kong.crypto.digest: encoding must be 'hex' or 'base64'",
      'x-size': 'PDKError: kong.crypto.randomBytes: n must be an integer from 1 to 1024',
      'x-compare': 'PDKError: kong.crypto.timingSafeEqual: b must be a string',
      'x-password': 'PDKError: kong.crypto.hashPassword: password must be a string',
      // Checked on the host only: its refusal reaches the plugin as a rejected promise.
      'x-hash': 'PDKError: kong.crypto.verifyPassword: hash is not a scrypt password hash',
    })
  })

  it('is not available outside request phases', async () => {
    const dir = plugin(
      'early',
      `let refusal = 'none'
export default {
  priority: 1000,
  version: '1.0.0',
  configure(kong) {
    try {
      kong.crypto.randomUUID()
    } catch (err) {
      refusal = err.message
    }
  },
  access(kong) {
    kong.service.request.setHeader('x-refusal', refusal)
  },
}
`,
    )
    const result = await runPlugin({ dir })
    expect(result.upstream?.headers['x-refusal']).toMatch(
      /^kong\.crypto\.randomUUID: function cannot be called in configure phase/,
    )
  })
})

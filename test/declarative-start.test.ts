import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { startTestGateway } from './helpers/index.ts'

describe('declarative_config at start', () => {
  let upstream: EchoServer
  let dir: string
  let file: string

  beforeAll(async () => {
    upstream = await startEchoServer()
    dir = mkdtempSync(join(tmpdir(), 'isogate-decl-'))
    file = join(dir, 'kong.yaml')
    writeFileSync(
      file,
      `_format_version: "3.0"
services:
  - name: decl
    url: ${upstream.url}/from-file
    routes:
      - name: decl
        paths: [/decl]
consumers:
  - username: alice
`,
    )
  })
  afterAll(async () => {
    await upstream?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs DB-less from the file, with a read-only Admin API', async () => {
    const gw = await startTestGateway({ database: 'off', declarative_config: file })
    try {
      const proxied = await fetch(`${gw.proxyUrl}/decl/x`)
      expect(await proxied.json()).toMatchObject({ path: '/from-file/x' })
      expect((await gw.admin('GET', '/consumers/alice')).status).toBe(200)
      const write = await gw.admin('POST', '/services', { name: 'new', url: upstream.url })
      expect(write.status).toBe(405)
      expect((await gw.admin('GET', '/services/new')).status).toBe(404)
    } finally {
      await gw.stop()
    }
  })

  it("carries plugin entities: DB-less key-auth, basic-auth and acl from the file, Kong's nesting", async () => {
    const auth = join(dir, 'auth.yaml')
    writeFileSync(
      auth,
      `_format_version: "3.0"
services:
  - name: decl
    url: ${upstream.url}
    routes:
      - name: decl
        paths: [/decl]
        plugins:
          - name: key-auth
          - name: acl
            config: { allow: [gold] }
consumers:
  - username: ann
    keyauth_credentials: [{ key: ann-key }]
    basicauth_credentials: [{ username: ann, password: open-sesame }]
    acls: [{ group: gold }]
  - username: bob
    keyauth_credentials: [{ key: bob-key }]
`,
    )
    const gw = await startTestGateway({ database: 'off', declarative_config: auth, plugins: 'bundled' })
    try {
      expect((await fetch(`${gw.proxyUrl}/decl`, { headers: { apikey: 'ann-key' } })).status).toBe(200)
      expect((await fetch(`${gw.proxyUrl}/decl`, { headers: { apikey: 'bob-key' } })).status).toBe(403)
      expect((await fetch(`${gw.proxyUrl}/decl`)).status).toBe(401)
      const stored = await gw.admin('GET', '/basic-auths/ann')
      expect(stored.body.password).toMatch(/^\$scrypt\$/)
      expect((await gw.admin('POST', '/consumers/bob/key-auth', { key: 'another' })).status).toBe(405)
    } finally {
      await gw.stop()
    }
  })

  it('seeds an empty SQLite database once and leaves Admin API changes alone afterwards', async () => {
    const sqlite_path = join(dir, 'seeded.db')
    const first = await startTestGateway({ declarative_config: file, sqlite_path })
    try {
      expect((await first.admin('GET', '/services/decl')).status).toBe(200)
      expect((await first.admin('PATCH', '/services/decl', { path: '/changed' })).status).toBe(200)
    } finally {
      await first.stop()
    }
    const second = await startTestGateway({ declarative_config: file, sqlite_path })
    try {
      expect((await second.admin('GET', '/services/decl')).body.path).toBe('/changed')
      expect((await second.admin('GET', '/services')).body.data).toHaveLength(1)
    } finally {
      await second.stop()
    }
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, writePluginFolders } from './helpers/index.ts'

const DAOS = `export default {
  name: 'keyring_keys',
  primaryKey: ['id'],
  endpointKey: 'key',
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { consumer: { type: 'foreign', reference: 'consumers', required: true, onDelete: 'cascade' } },
    { key: { type: 'string', required: true, unique: true } },
  ],
}
`

const BASE = `export default {
  up: [
    {
      createTable: 'keyring_keys',
      columns: {
        id: { type: 'uuid', primaryKey: true },
        created_at: { type: 'timestamp' },
        consumer_id: { type: 'uuid', notNull: true, references: 'consumers', onDelete: 'cascade' },
        key: { type: 'text', notNull: true },
      },
      unique: [['key']],
    },
  ],
}
`

// Plugin migrations through the real CLI: a plugin folder on plugin_paths, a SQLite file in the prefix.
describe('isogate migrations with a plugin that ships migrations', { timeout: 120_000 }, () => {
  let plugins: string
  let prefix: string
  let env: NodeJS.ProcessEnv
  const cli = (...args: string[]) => runCli(['migrations', ...args], { cwd: prefix, env })

  beforeAll(() => {
    plugins = writePluginFolders({
      keyring: {
        'handler.ts': 'export default { priority: 1000, version: "1.0.0", access() {} }\n',
        'schema.ts': 'export default { name: "keyring", config: { type: "object" } }\n',
        'daos.ts': DAOS,
        'migrations/000_base.ts': BASE,
      },
    })
    prefix = mkdtempSync(join(tmpdir(), 'isogate-plugin-migrations-'))
    env = { ISOGATE_PREFIX: prefix, ISOGATE_PLUGINS: 'keyring', ISOGATE_PLUGIN_PATHS: plugins }
  })
  afterAll(() => {
    rmSync(plugins, { recursive: true, force: true })
    rmSync(prefix, { recursive: true, force: true })
  })

  it('bootstraps, lists per plugin, runs a new migration with up, and refuses a bad one in one line', async () => {
    const before = await cli('status')
    expect(before.code, before.stderr).toBe(3)

    const boot = await cli('bootstrap')
    expect(boot.code, boot.stderr).toBe(0)
    expect(boot.stdout).toContain('  core/001_base executed\n  keyring/000_base executed\n')

    const list = await cli('list')
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toBe('Executed migrations:\n     core: 001_base\n  keyring: 000_base\n')

    writeFileSync(
      join(plugins, 'keyring', 'migrations', '001_more.ts'),
      "export default { up: [{ addColumn: 'note', table: 'keyring_keys', spec: { type: 'text' } }] }\n",
    )
    const status = await cli('status')
    expect(status.code, status.stderr).toBe(4)
    expect(status.stdout).toBe('database has 1 pending migrations\n')
    const pending = await cli('list')
    expect(pending.code).toBe(4)
    expect(pending.stdout).toContain('Pending migrations:\n  keyring: 001_more\n')

    const up = await cli('up')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stdout).toBe('  keyring/001_more executed\n1 migrations processed; database is up-to-date\n')
    expect((await cli('up')).stdout).toBe('database is already up-to-date\n')

    writeFileSync(
      join(plugins, 'keyring', 'migrations', '002_bad.ts'),
      "export default { up: [{ createTable: 'users', columns: { id: { type: 'uuid', primaryKey: true } } }] }\n",
    )
    const bad = await cli('up')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe(
      "Error: plugin keyring: migrations/002_bad.ts: up[0]: createTable 'users': table 'users' is not one of the plugin's entities; it may use keyring_keys\n",
    )
  })
})

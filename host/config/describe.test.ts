import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  CONFIG_SCHEMA,
  DEFAULT_CONF_COMMAND,
  describeConfig,
  loadConfig,
  renderDefaultConf,
} from './index.ts'

const committed = fileURLToPath(new URL('../../isogate.conf.default', import.meta.url))

describe('describeConfig', () => {
  it('documents every key with a type, a default and a description', () => {
    const keys = describeConfig()
    expect(keys.map((entry) => entry.key)).toEqual(Object.keys(CONFIG_SCHEMA))
    for (const entry of keys) {
      expect(entry.type, entry.key).not.toBe('')
      expect(entry.description.length, entry.key).toBeGreaterThan(10)
    }
    expect(keys.find((entry) => entry.key === 'sqlite_path')?.default).toBe('<prefix>/isogate.db')
  })
})

describe('isogate.conf.default', () => {
  it('matches the schema', () => {
    const text = readFileSync(committed, 'utf8')
    if (text !== renderDefaultConf()) {
      expect.fail(
        `isogate.conf.default is out of date with host/config/schema.ts: run \`${DEFAULT_CONF_COMMAND}\``,
      )
    }
  })

  it('loads to the defaults, commented or uncommented', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isogate-conf-default-'))
    try {
      const text = renderDefaultConf()
      const uncommented = text.replace(/^#([a-z_]+ =)/gm, '$1')
      expect(uncommented.match(/^[a-z_]+ =/gm)).toHaveLength(Object.keys(CONFIG_SCHEMA).length)
      writeFileSync(join(dir, 'commented.conf'), text)
      writeFileSync(join(dir, 'uncommented.conf'), uncommented)
      const defaults = loadConfig({ cwd: dir, env: {} })
      expect(loadConfig({ cwd: dir, env: {}, file: 'commented.conf' })).toEqual(defaults)
      expect(loadConfig({ cwd: dir, env: {}, file: 'uncommented.conf' })).toEqual(defaults)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

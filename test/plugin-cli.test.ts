import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './helpers/index.ts'

/** One line on stderr, no stack trace: what an author's mistake must look like. */
function expectOneLineError(stderr: string, text: string) {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toBe(`Error: ${text}`)
}

describe('isogate plugin', { timeout: 90_000 }, () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isogate-plugin-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('new scaffolds a plugin whose own test passes, and build describes it', async () => {
    const created = await runCli(['plugin', 'new', 'header-stamp', '--dir', 'work'], { cwd: dir })
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const folder = join(dir, 'work', 'header-stamp')
    expect(created.stdout).toContain(`created plugin header-stamp in ${folder}`)
    expect(readdirSync(folder).sort()).toEqual([
      'README.md',
      'handler.ts',
      'header-stamp.test.ts',
      'schema.ts',
    ])
    expect(readFileSync(join(folder, 'schema.ts'), 'utf8')).toContain("name: 'header-stamp'")

    const tested = await runCli(['plugin', 'test', folder], { cwd: dir, timeoutMs: 120_000 })
    expect(tested.code, tested.stdout + tested.stderr).toBe(0)
    expect(tested.stdout).toContain('2 passed')

    const built = await runCli(['plugin', 'build', folder, '--prefix', join(dir, 'prefix')], { cwd: dir })
    expect(built.stderr).toBe('')
    expect(built.code).toBe(0)
    const lines = built.stdout.trim().split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'plugin    header-stamp',
      'version   0.1.0',
      'priority  1000',
      'phases    access, headerFilter',
    ])
    const hash = lines.find((line) => line.startsWith('hash '))?.split(/\s+/)[1] ?? ''
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    const bundle = join(dir, 'prefix', 'bundles', `header-stamp-${hash}.js`)
    expect(lines).toContain(`bundle    ${bundle}`)
    const size = Number(/^size +(\d+) bytes$/m.exec(built.stdout)?.[1])
    expect(size).toBe(readFileSync(bundle).length)
    expect(built.stdout).toContain('header_name  string  default="X-Header-Stamp"')
    expect(built.stdout).toContain('value        string  default="on"  len_min=1')
  }, 180_000)

  it('test exits with vitest code when a test fails', async () => {
    await runCli(['plugin', 'new', 'failing', '--dir', dir], { cwd: dir })
    const test = join(dir, 'failing', 'failing.test.ts')
    writeFileSync(test, readFileSync(test, 'utf8').replace(".toBe('yes')\n  })", ".toBe('no')\n  })"))
    const tested = await runCli(['plugin', 'test', join(dir, 'failing')], { cwd: dir, timeoutMs: 120_000 })
    expect(tested.code).toBe(1)
    expect(tested.stdout).toContain('1 failed')
  }, 180_000)

  it('build refuses a folder importing a Node built-in with the bundler line', async () => {
    const folder = join(dir, 'reads-files')
    mkdirSync(folder)
    writeFileSync(
      join(folder, 'handler.ts'),
      'import { readFileSync } from "node:fs"\nexport default { priority: 1, version: "1.0.0", access() { readFileSync("x") } }\n',
    )
    writeFileSync(
      join(folder, 'schema.ts'),
      'export default { name: "reads-files", config: { type: "object" } }\n',
    )
    const built = await runCli(['plugin', 'build', folder, '--prefix', join(dir, 'prefix2')], { cwd: dir })
    expect(built.code).toBe(1)
    expect(built.stdout).toBe('')
    expectOneLineError(
      built.stderr,
      'plugin reads-files: handler.ts:1: import of "node:fs" is not allowed (Node built-ins are not available to plugins)',
    )
  })

  it('new refuses bad names and existing folders in one line', async () => {
    for (const name of ['My-Plugin', 'my_plugin', 'plugin-']) {
      const result = await runCli(['plugin', 'new', name, '--dir', dir], { cwd: dir })
      expect(result.code, name).toBe(1)
      expectOneLineError(
        result.stderr,
        `invalid plugin name ${JSON.stringify(name)}: use lowercase letters, digits and dashes, starting with a letter (e.g. my-plugin)`,
      )
      expect(existsSync(join(dir, name))).toBe(false)
    }
    mkdirSync(join(dir, 'taken'))
    const taken = await runCli(['plugin', 'new', 'taken', '--dir', dir], { cwd: dir })
    expect(taken.code).toBe(1)
    expectOneLineError(taken.stderr, `${join(dir, 'taken')} already exists; choose another name or --dir`)
    expect(readdirSync(join(dir, 'taken'))).toEqual([])
  })
})

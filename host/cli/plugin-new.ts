import { mkdir, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UserError } from '../errors/index.ts'
import { pluginTemplates } from './plugin-templates.ts'

/** Kong plugin names: lowercase letters, digits and single dashes, starting with a letter. */
const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** Writes `<dir>/<name>/` with a working handler, schema, test and README; returns the folder. */
export async function scaffoldPlugin(name: string, dir: string): Promise<string> {
  if (!PLUGIN_NAME.test(name)) {
    throw new UserError(
      'INVALID_PLUGIN_NAME',
      `invalid plugin name ${JSON.stringify(name)}: use lowercase letters, digits and dashes, starting with a letter (e.g. my-plugin)`,
    )
  }
  if (name === 'bundled') {
    throw new UserError(
      'INVALID_PLUGIN_NAME',
      'invalid plugin name "bundled": it is reserved (the plugins setting uses it)',
    )
  }
  const folder = resolve(dir, name)
  if ((await stat(folder).catch(() => null)) !== null) {
    throw new UserError('PLUGIN_EXISTS', `${folder} already exists; choose another name or --dir`)
  }
  await mkdir(folder, { recursive: true })
  for (const [file, text] of Object.entries(pluginTemplates(name))) {
    await writeFile(join(folder, file), text, { flag: 'wx' })
  }
  return folder
}

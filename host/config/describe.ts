import { CONFIG_SCHEMA, type ConfigKey, type ConfigKeyName } from './schema.ts'

export interface ConfigKeyDescription {
  key: ConfigKeyName
  type: string
  default: string
  description: string
}

/** Every key with its type, default (as written in a file) and description, in schema order. */
export function describeConfig(): ConfigKeyDescription[] {
  return Object.entries(CONFIG_SCHEMA).map(([key, definition]: [string, ConfigKey<unknown>]) => ({
    key: key as ConfigKeyName,
    type: definition.type,
    default: definition.defaultText ?? definition.default,
    description: definition.description,
  }))
}

export const DEFAULT_CONF_COMMAND = 'npx tsx host/config/write-default-conf.ts'

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/** The text of `isogate.conf.default`: every key commented out at its default, with its description. */
export function renderDefaultConf(): string {
  const out = [
    '# isogate configuration (kong.conf style). Generated from host/config/schema.ts by',
    `# \`${DEFAULT_CONF_COMMAND}\`; do not edit by hand.`,
    '#',
    '# Copy the lines you need to isogate.conf (read from the working directory, or `-c FILE`) and',
    '# uncomment them. `#` starts a comment (`\\#` is a literal `#`); booleans are on/off; lists are',
    '# comma separated. Every key can be overridden by the environment variable ISOGATE_<KEY>',
    '# (upper case), e.g. ISOGATE_PROXY_LISTEN=127.0.0.1:9000. Unknown keys are an error.',
  ]
  for (const entry of describeConfig()) {
    out.push('')
    for (const line of wrap(entry.description, 98)) out.push(`# ${line}`)
    const computed = entry.default.startsWith('<') ? `; default: ${entry.default}` : ''
    out.push(`# (${entry.type}${computed})`)
    out.push(`#${entry.key} = ${computed ? '' : entry.default}`.trimEnd())
  }
  return `${out.join('\n')}\n`
}

// Regenerates isogate.conf.default at the repository root from the configuration schema.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderDefaultConf } from './describe.ts'

const target = fileURLToPath(new URL('../../isogate.conf.default', import.meta.url))
writeFileSync(target, renderDefaultConf())
console.log(`wrote ${target}`)

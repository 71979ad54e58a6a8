import { readFileSync } from 'node:fs'
import { packageFile } from '../../runtime/package-files.ts'

/** The package version, read once (Via header, node info, CLI --version). */
export const VERSION: string = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version

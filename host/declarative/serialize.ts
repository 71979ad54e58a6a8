import { stringify } from 'yaml'
import type { DeclarativeDocument } from './export.ts'

/** YAML as `config db_export` writes it: block style, no line folding, strings quoted only when needed. */
export function toYaml(doc: DeclarativeDocument): string {
  return stringify(doc, { lineWidth: 0 })
}

export function toJson(doc: DeclarativeDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}

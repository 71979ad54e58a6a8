/**
 * Thrown by a value parser: `expected` completes the sentence "invalid value ... (expected ...)".
 * The loader adds the key, the value and where it came from, and turns it into one UserError line.
 */
export class ValueError extends Error {
  readonly expected: string

  constructor(expected: string) {
    super(expected)
    this.name = 'ValueError'
    this.expected = expected
  }
}

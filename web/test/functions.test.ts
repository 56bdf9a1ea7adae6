import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// maxLines is the longest function, signature to closing brace, blank
// lines and comments included: the rule cmd/layercheck enforces on Go.
const maxLines = 100

const web = join(__dirname, '..')

// sources are the web app's own TypeScript and JavaScript files.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return /\.(tsx?|m?js)$/.test(e.name) ? [path] : []
  })
}

const isFunction = (n: ts.Node) =>
  ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) ||
  ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)

// nameOf names a function as a reader finds it: its own name, the variable
// or property it is given to, or "a function literal".
function nameOf(n: ts.Node, file: ts.SourceFile): string {
  const named = (n as { name?: ts.Node }).name ?? (n.parent as { name?: ts.Node }).name
  return named ? named.getText(file) : 'a function literal'
}

// tooLong lists a file's outermost functions over maxLines lines (a
// function inside another counts in its length, as in Go), each by file,
// line and name.
function tooLong(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const out: string[] = []
  const visit = (n: ts.Node) => {
    if (!isFunction(n)) return ts.forEachChild(n, visit)
    const start = file.getLineAndCharacterOfPosition(n.getStart(file)).line
    const end = file.getLineAndCharacterOfPosition(n.getEnd()).line
    const lines = end - start + 1
    if (lines > maxLines) {
      out.push(`${relative(web, path)}:${start + 1}: ${nameOf(n, file)} is ${lines} lines: split it by what it does (at most ${maxLines})`)
    }
  }
  visit(file)
  return out
}

describe('the web app’s functions', () => {
  it('are at most 100 lines each, as the Go code’s are', () => {
    const files = [...sources(join(web, 'src')), ...sources(join(web, 'test')), ...sources(join(web, 'bench')), join(web, 'vite.config.ts')]
    expect(files.flatMap((f) => tooLong(f, readFileSync(f, 'utf8')))).toEqual([])
  })

  it('counts a function from its signature to its closing brace', () => {
    const body = (name: string, lines: number) => `function ${name}() {\n${'  x()\n'.repeat(lines - 2)}}\n`
    const src = body('fits', 100) + body('long', 101) +
      `class C {\n  method() {\n${'    x()\n'.repeat(118)}  }\n}\n` +
      `export const Page = () => {\n${'  x()\n'.repeat(101)}}\n`
    expect(tooLong(join(web, 'p.ts'), src).map((p) => p.replace(/: split.*/, ''))).toEqual([
      'p.ts:101: long is 101 lines',
      'p.ts:203: method is 120 lines',
      'p.ts:324: Page is 103 lines',
    ])
  })
})

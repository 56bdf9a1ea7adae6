import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin, type Rollup } from 'vite'

// Pages loaded on demand (a dynamic import()) are named by their module,
// lower-cased ("pages/Dashboard.tsx" is "dashboard"): the service worker
// caches a page's files only for the roles that open it (the app says
// which, see pagesOf in src/app.tsx).
const pageName = (module: string) => module.replace(/^.*\//, '').replace(/\.[jt]sx?$/, '').toLowerCase()

type Chunk = Rollup.OutputChunk & { viteMetadata?: { importedCss: Set<string> } }

// reach is a chunk's files: itself, the chunks it imports statically
// (those in stop aside) and their CSS.
function reach(bundle: Rollup.OutputBundle, start: Chunk | undefined, stop = new Set<string>()): Set<string> {
  const files = new Set<string>()
  const visit = (c: Chunk | undefined) => {
    if (!c || c.type !== 'chunk' || files.has(c.fileName) || stop.has(c.fileName)) return
    files.add(c.fileName)
    for (const css of c.viteMetadata?.importedCss ?? []) files.add(css)
    c.imports.forEach((f) => visit(bundle[f] as Chunk))
  }
  visit(start)
  return files
}

// split tells the shell (what every role loads: the entry and what it
// imports, and any other file of the bundle) from each page's files.
function split(bundle: Rollup.OutputBundle): { shell: string[]; byPage: Record<string, string[]> } {
  const chunks = Object.values(bundle).filter((c): c is Chunk => c.type === 'chunk')
  const entry = new Set(chunks.filter((c) => c.isEntry).flatMap((c) => [...reach(bundle, c)]))
  const byPage: Record<string, string[]> = {}
  for (const c of chunks.filter((c) => c.isDynamicEntry && c.facadeModuleId).sort((a, b) => a.fileName.localeCompare(b.fileName))) {
    byPage[pageName(c.facadeModuleId!)] = [...reach(bundle, c, entry)].sort()
  }
  const inPages = new Set(Object.values(byPage).flat())
  const shell = Object.keys(bundle).filter((f) => f !== 'index.html' && !inPages.has(f))
  return { shell, byPage }
}

// serviceWorker emits sw.js from src/sw.js with the shell's file list, each
// page's files, and a version made of all their names, so that the shell
// is cached whole when the worker installs and replaced whole when it
// changes, and a role's pages as soon as the app names them.
function serviceWorker(): Plugin {
  return {
    name: 'palabre-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const { shell, byPage } = split(bundle)
      const files = ['/', ...[...shell, ...readdirSync('public')].sort().map((f) => '/' + f)]
      const paths = Object.fromEntries(Object.entries(byPage).map(([page, list]) => [page, list.map((f) => '/' + f)]))
      const all = [...files, ...Object.values(paths).flat()]
      const version = createHash('sha256').update(all.join('\n')).digest('hex').slice(0, 12)
      const source = readFileSync('src/sw.js', 'utf8')
        .replace('self.__SHELL__', JSON.stringify(files))
        .replace('self.__PAGES__', JSON.stringify(paths))
        .replace('self.__VERSION__', JSON.stringify(version))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}

// precompress writes NAME.gz and NAME.br beside each text file of the
// bundle, at the highest levels (done once, at build), which the server
// sends to browsers that accept them. Both are Node's own zlib: no
// dependency; the output is the same on every build of the same sources.
function precompress(): Plugin {
  return {
    name: 'palabre-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist'
      const names = [...Object.keys(bundle), ...readdirSync('public')]
      for (const name of names.filter((n) => /\.(html|js|css|svg|webmanifest)$/.test(n))) {
        const body = readFileSync(join(dir, name))
        writeFileSync(join(dir, name + '.gz'), gzipSync(body, { level: 9 }))
        writeFileSync(join(dir, name + '.br'), brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }))
      }
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [serviceWorker(), precompress()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
  test: { environment: 'node' },
} as never)

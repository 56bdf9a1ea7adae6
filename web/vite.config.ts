import { readFileSync, readdirSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { defineConfig, type Plugin } from 'vite'

// serviceWorker emits sw.js from src/sw.js with the bundle's own file
// list and a version made of their names, so that the app shell is cached
// whole when the worker installs and replaced whole when it changes.
function serviceWorker(): Plugin {
  return {
    name: 'palabre-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const built = Object.keys(bundle).filter((f) => f !== 'index.html')
      const files = ['/', ...[...built, ...readdirSync('public')].sort().map((f) => '/' + f)]
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12)
      const source = readFileSync('src/sw.js', 'utf8')
        .replace('self.__SHELL__', JSON.stringify(files))
        .replace('self.__VERSION__', JSON.stringify(version))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [serviceWorker()],
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

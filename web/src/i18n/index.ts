import { en } from './en'
import { fr, type MessageKey } from './fr'

// One catalogue per language; French unless the person chose English.

export type Language = 'fr' | 'en'

const catalogues: Record<Language, Record<MessageKey, string>> = { fr, en }

let current: Language = (globalThis.localStorage?.getItem('palabre.language') as Language) === 'en' ? 'en' : 'fr'

export function language(): Language {
  return current
}

export function setLanguage(l: Language): void {
  current = l
  globalThis.localStorage?.setItem('palabre.language', l)
  document.documentElement.lang = l
}

/** t is a message of the current language, with {name} filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return (catalogues[current][key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''))
}

export { catalogues }
export type { MessageKey }

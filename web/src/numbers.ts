import { language } from './i18n'

// Numbers as the reader writes them, through the platform's Intl in the
// interface's language: 1 234 and 44,2 % in French, 1,234 and 44.2% in
// English. Formatters are made once per language.

const made = new Map<string, Intl.NumberFormat>()

function formatter(kind: 'count' | 'share' | 'whole'): Intl.NumberFormat {
  const lang = language()
  const key = lang + kind
  let f = made.get(key)
  if (!f) {
    f = new Intl.NumberFormat(lang, kind === 'count' ? {} : { style: 'percent', maximumFractionDigits: kind === 'share' ? 1 : 0, minimumFractionDigits: kind === 'share' ? 1 : 0 })
    made.set(key, f)
  }
  return f
}

/** count writes a whole number with the language's thousands separator. */
export function count(n: number): string {
  return formatter('count').format(n)
}

/** percent writes a share given in percent (44.2 for 44.2 %), to a tenth,
 * or whole when whole is set (chart labels, targets). */
export function percent(p: number, whole = false): string {
  return formatter(whole ? 'whole' : 'share').format(p / 100)
}

/** month names a month's first day ("2026-01-01") briefly: janv. 2026. */
export function month(isoDate: string): string {
  const [y, m] = isoDate.split('-').map(Number)
  return new Intl.DateTimeFormat(language(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y!, m! - 1, 1))
}

/** day writes a date or a moment ("2026-05-03", or RFC 3339) as the
 * reader writes a day: 3 mai 2026, 3 May 2026. */
export function day(iso: string): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso))
}

/** shortDay writes a date briefly, as a full page of them reads best:
 * 3 mai 2026, 3 May 2026 (months shortened where the language does). */
export function shortDay(iso: string): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso + 'T00:00:00Z'))
}

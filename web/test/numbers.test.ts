import { afterEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../src/i18n'
import { count, month, percent } from '../src/numbers'

// setLanguage marks the page's language; the tests run without a page.
globalThis.document ??= { documentElement: {} } as Document

// The platform's separators are narrow no-break spaces in French; the
// tests read them as plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('numbers in the interface’s language', () => {
  afterEach(() => setLanguage('fr'))
  it('writes French counts and shares the French way', () => {
    setLanguage('fr')
    expect(plain(count(1234))).toBe('1 234')
    expect(plain(percent(44.2))).toBe('44,2 %')
    expect(plain(percent(50, true))).toBe('50 %')
    expect(month('2026-01-01')).toMatch(/^janv\.? 2026$/)
  })
  it('writes English ones the English way', () => {
    setLanguage('en')
    expect(count(1234)).toBe('1,234')
    expect(percent(44.2)).toBe('44.2%')
    expect(month('2026-01-01')).toBe('Jan 2026')
  })
})

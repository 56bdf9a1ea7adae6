import { describe, expect, it } from 'vitest'
import { subsetProblems } from '../src/checks'
import { catalogues } from '../src/i18n'
import { ulid } from '../src/ulid'

describe('the headcount grid', () => {
  const h = { youngWomen: 2, adultWomen: 1, youngMen: 0, adultMen: 1, withDisabilities: 0, displaced: 0 }
  it('takes subsets up to the total', () => {
    expect(subsetProblems({ ...h, withDisabilities: 4, displaced: 4 })).toEqual({})
  })
  it('names a subset above the total, with the total', () => {
    expect(subsetProblems({ ...h, withDisabilities: 5 })).toEqual({ withDisabilities: 4 })
    expect(subsetProblems({ ...h, displaced: 9 })).toEqual({ displaced: 4 })
  })
})

describe('the catalogues', () => {
  it('say every message in French and English, with the same placeholders', () => {
    for (const [key, fr] of Object.entries(catalogues.fr)) {
      const en = catalogues.en[key as keyof typeof catalogues.en]
      expect(en, key).toBeTruthy()
      expect(fr.match(/\{\w+\}/g) ?? [], key).toEqual(en.match(/\{\w+\}/g) ?? [])
    }
  })
})

describe('ids made on the device', () => {
  it('are ULIDs, in time order', () => {
    const a = ulid(1_700_000_000_000)
    const b = ulid(1_700_000_000_001)
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(a.slice(0, 10) < b.slice(0, 10)).toBe(true)
  })
})

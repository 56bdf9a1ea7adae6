import { describe, expect, it } from 'vitest'
import { actionProblems, dialogueProblems, enrolProblems, outcomeProblems, rules, splitTags, subsetProblems, today, verifierProblems } from '../src/checks'
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

describe('the rules checked as one types', () => {
  const now = '2026-05-10'
  const dialogue = { heldOn: '2026-05-10', title: '', topics: '', locality: '', language: '', durationMinutes: '', concerns: [],
    headcount: { youngWomen: 1, adultWomen: 0, youngMen: 0, adultMen: 0, withDisabilities: 0, displaced: 0 } }
  it('take a dialogue held today, and refuse one held tomorrow, as the server would', () => {
    expect(dialogueProblems(dialogue, now)).toEqual({})
    expect(Object.keys(dialogueProblems({ ...dialogue, heldOn: '2026-05-11' }, now))).toEqual(['heldOn'])
  })
  it('refuse a count above the bound, a subset above its total, a long title, a week and a minute, a due date before the dialogue', () => {
    const p = dialogueProblems({ ...dialogue, title: 'x'.repeat(rules.maxLength.title + 1), durationMinutes: String(rules.durationMinutes.max + 1),
      headcount: { ...dialogue.headcount, adultMen: rules.headcount.max + 1, displaced: rules.headcount.max + 3 },
      commitments: [{ stakeholderId: 's', text: 'x', dueOn: '2026-05-09' }] }, now)
    expect(Object.keys(p).sort()).toEqual(['commitments[0].dueOn', 'durationMinutes', 'headcount.adultMen', 'headcount.displaced', 'title'])
  })
  it('count a text’s length in characters (code points), as the server does, not in UTF-16 units', () => {
    // An emoji and an Adlam letter are two UTF-16 units each, one character.
    for (const letter of ['😀', '𞤀', 'é', 'ⵜ']) {
      const at = (n: number) => dialogueProblems({ ...dialogue, title: letter.repeat(n), concerns: [{ category: 'security', summary: letter.repeat(n) }] }, now)
      expect(at(rules.maxLength.title), letter).toEqual({})
      expect(Object.keys(at(rules.maxLength.title + 1)), letter).toEqual(['title'])
      expect(at(rules.maxLength.title + 1).title, letter).toContain(String(rules.maxLength.title + 1))
      expect(Object.keys(at(rules.maxLength.concernSummary + 1)), letter).toEqual(['title', 'concerns[0]'])
    }
    const o = { actorId: 'a', changeType: 'POLICY', on: '2026-03-01', region: 'gao', locality: '', description: 'd', significance: 's', contribution: 'c', othersContribution: '', tags: '' }
    expect(outcomeProblems({ ...o, description: '𞤀'.repeat(rules.maxLength.outcomeText) }, '2026-03-01')).toEqual({})
    expect(actionProblems('progress', { on: now, status: 'ON_TRACK', note: '😀'.repeat(rules.maxLength.note), evidence: '' }, now, now)).toEqual({})
  })
  it('take a text of invisible characters for an empty one, as the server does', () => {
    const o = { actorId: 'a', changeType: 'POLICY', on: '2026-03-01', region: 'gao', locality: '', description: 'd', significance: 's', contribution: 'c', othersContribution: '', tags: '' }
    for (const nothing of ['', '  ', '\u200b', '\u2800', '\ufeff', '\u00a0\u200d', '\u3164']) {
      expect(Object.keys(outcomeProblems({ ...o, description: nothing }, '2026-03-01')), JSON.stringify(nothing)).toEqual(['description'])
      expect(Object.keys(actionProblems('revise', { on: now, status: '', note: nothing, evidence: '' }, now, now)), JSON.stringify(nothing)).toEqual(['note'])
    }
    expect(outcomeProblems({ ...o, description: '\u200b𞤀' }, '2026-03-01')).toEqual({})
  })
  it('check an enrolment’s code, birth year and consent date', () => {
    const ok = { code: 'GAO-0100', birthYear: '1990', ageBand: '', consentOn: now }
    expect(enrolProblems(ok, now)).toEqual({})
    expect(Object.keys(enrolProblems({ ...ok, code: 'Aïcha T' }, now))).toEqual(['code'])
    expect(enrolProblems({ ...ok, code: 'gao-0100' }, now, new Set(['GAO-0100'])).code).toContain('gao-0100')
    expect(Object.keys(enrolProblems({ ...ok, birthYear: String(rules.birthYear.min - 1) }, now))).toEqual(['birthYear'])
    expect(Object.keys(enrolProblems({ ...ok, birthYear: '2027' }, now))).toEqual(['birthYear'])
    expect(Object.keys(enrolProblems({ ...ok, birthYear: '1990', ageBand: '25-35' }, now))).toEqual(['birthYear'])
    expect(Object.keys(enrolProblems({ ...ok, consentOn: '2026-05-11' }, now))).toEqual(['consentOn'])
  })
  it('date today by the device’s calendar, not UTC’s', () => {
    expect(today(new Date(2026, 0, 31, 23, 59))).toBe('2026-01-31')
  })
})

describe('a commitment’s follow-up', () => {
  const f = { on: '2026-05-10', status: 'on-track', note: '', evidence: '' }
  it('happens between the day it was made and today, but for a new due date', () => {
    expect(actionProblems('progress', f, '2026-05-01', '2026-05-10')).toEqual({})
    expect(Object.keys(actionProblems('progress', { ...f, on: '2026-04-30' }, '2026-05-01', '2026-05-10'))).toEqual(['on'])
    expect(Object.keys(actionProblems('fulfil', { ...f, on: '2026-05-11' }, '2026-05-01', '2026-05-10'))).toEqual(['on'])
    expect(actionProblems('revise', { ...f, on: '2027-01-01', note: 'budget' }, '2026-05-01', '2026-05-10')).toEqual({})
  })
  it('asks a progress report its status and a revision its reason', () => {
    expect(Object.keys(actionProblems('progress', { ...f, status: '' }, '2026-05-01', '2026-05-10'))).toEqual(['status'])
    expect(Object.keys(actionProblems('revise', f, '2026-05-01', '2026-05-10'))).toEqual(['note'])
  })
})

describe('an outcome', () => {
  const o = { actorId: 'A', changeType: 'practice', on: '2026-03-01', region: 'gao', locality: '', description: 'd', significance: 's', contribution: 'c', othersContribution: '', tags: '' }
  it('needs its actor, type, date, region and three texts, its date not after today', () => {
    expect(outcomeProblems(o, '2026-03-01')).toEqual({})
    expect(Object.keys(outcomeProblems({ ...o, actorId: '', description: ' ', on: '2026-03-02' }, '2026-03-01')).sort()).toEqual(['actorId', 'description', 'on'])
  })
  it('takes tags separated by commas, each once and no longer than the domain allows', () => {
    expect(splitTags(' femmes, jeunes ,femmes,, ')).toEqual(['femmes', 'jeunes'])
    expect(outcomeProblems({ ...o, tags: 'x'.repeat(rules.maxLength.tag + 1) }, '2026-03-01')).toHaveProperty('tags')
  })
  it('is put to a verifier by name, on a date between the change and today', () => {
    const v = { name: 'Awa', phone: '', organisation: '', on: '2026-03-05' }
    expect(verifierProblems(v, '2026-03-01', '2026-03-10')).toEqual({})
    expect(Object.keys(verifierProblems({ ...v, name: '', on: '2026-02-01' }, '2026-03-01', '2026-03-10')).sort()).toEqual(['name', 'on'])
  })
})

import { describe, expect, it } from 'vitest'
import {
  amount, blankIndicator, blankProgramme, blankValue, indicatorFields, indicatorInput, indicatorProblems, programmeFields, programmeInput, programmeProblems,
  readNumber, reportFile, valueFields, valueInput, valueProblems, type IndicatorFields,
} from '../src/results'

const laws: IndicatorFields = {
  ...blankIndicator, key: 'I1', resultKey: 'R1', title: 'Lois adoptées ou améliorées', measure: 'UNIT', baselineYear: '2025', baseline: '0',
  targets: [{ year: '2026', amount: '3' }, { year: '2027', amount: '4,5' }], references: ' B1, B2 ,',
}

describe('a number typed in a results form', () => {
  it('is read as the reader writes it, French or English', () => {
    expect(readNumber('12,5')).toBe(12.5)
    expect(readNumber('1 234,5')).toBe(1234.5)
    expect(readNumber('1234.5')).toBe(1234.5)
    expect(readNumber('  ')).toBeUndefined()
    expect(readNumber('douze')).toBeNaN()
    expect(readNumber('1,2,3')).toBeNaN()
  })
  it('is written back in the reader’s language, a percentage with its sign', () => {
    expect(amount('UNIT', { value: 1234, comment: null })).toBe('1\u202f234')
    expect(amount('PERCENTAGE', { value: 44.2, comment: null })).toBe('44,2\u00a0%')
    expect(amount('QUALITATIVE', { value: null, comment: 'Loi votée' })).toBe('Loi votée')
    expect(amount('UNIT', null)).toBe('—')
  })
})

describe('an indicator’s form', () => {
  it('sends numbers for a quantitative measure, the donor’s codes as a list, and no rule for values by hand', () => {
    expect(indicatorInput(laws)).toEqual({
      key: 'I1', resultKey: 'R1', title: 'Lois adoptées ou améliorées', description: undefined, measure: 'UNIT', ascending: true,
      baseline: { year: 2025, value: 0, comment: undefined },
      targets: [{ year: 2026, value: 3, comment: undefined }, { year: 2027, value: 4.5, comment: undefined }],
      references: ['B1', 'B2'], rule: undefined, pillar: undefined, group: undefined, spaceId: undefined, changeType: undefined,
    })
  })
  it('sends comments for a qualitative measure, and a rule’s own parameters only', () => {
    const input = indicatorInput({ ...laws, measure: 'QUALITATIVE', baseline: 'Aucune loi', targets: [{ year: '2026', amount: 'Une loi votée' }, { year: '', amount: '' }],
      rule: 'OUTCOMES_HARVESTED', changeType: 'POLICY', pillar: 'SECURITY', spaceId: '01J0' })
    expect(input.baseline).toEqual({ year: 2025, value: undefined, comment: 'Aucune loi' })
    expect(input.targets).toEqual([{ year: 2026, value: undefined, comment: 'Une loi votée' }])
    expect([input.changeType, input.pillar, input.spaceId]).toEqual(['POLICY', undefined, undefined])
  })
  it('opens again as it was sent', () => {
    expect(indicatorFields(indicatorInput(laws))).toEqual({ ...laws, references: 'B1, B2' })
  })
  it('names what is missing or wrong before anything is sent', () => {
    expect(indicatorProblems(laws)).toEqual({})
    const p = indicatorProblems({ ...laws, key: 'clé avec espaces', measure: 'PERCENTAGE', baseline: '', targets: [{ year: '1999', amount: '120' }], rule: 'EXCLUDED_GROUP_SHARE' })
    expect(Object.keys(p).sort()).toEqual(['baseline.value', 'key', 'params.group', 'targets[0].value', 'targets[0].year'])
    expect(p['targets[0].value']).toMatch(/entre 0 et 100/)
  })
})

describe('a value entered by hand', () => {
  it('sends its evidence a line each and only the parts typed', () => {
    const f = { ...blankValue('I1', 2026), amount: '2', evidence: 'Arrêté n° 14\n\n Rapport du comité ', parts: ['1', '', '', '0'] }
    const input = valueInput(f, 'UNIT')
    expect(input).toEqual({
      indicatorKey: 'I1', year: 2026, partnerKey: undefined, value: 2, comment: undefined, evidence: ['Arrêté n° 14', 'Rapport du comité'],
      dimensions: [{ name: 'SEX', value: 'female', count: 1 }, { name: 'DISABILITY', value: 'yes', count: 0 }],
    })
    expect(valueFields(input)).toEqual({ ...f, evidence: 'Arrêté n° 14\nRapport du comité' })
  })
  it('asks for its evidence', () => {
    expect(valueProblems({ ...blankValue('I1', 2026), amount: '2' }, 'UNIT')).toEqual({ evidence: expect.stringMatching(/vérifiée/) })
    expect(Object.keys(valueProblems({ ...blankValue('I1', 2026), evidence: 'x' }, 'QUALITATIVE'))).toEqual(['comment'])
  })
})

describe('a programme’s form', () => {
  it('sends its partners with their regions, and a funder only when named', () => {
    const partners = [{ key: 'MOP', name: 'Mopti Paix', ref: '', type: '22', regions: ['mopti'] }]
    const f = { ...blankProgramme, title: 'Voix', identifier: 'NL-KVK-1-PAL', orgRef: 'NL-KVK-1', orgName: 'Alliance', orgType: '21', country: 'ml', startOn: '2025-01-01', partners }
    const input = programmeInput(f)
    expect(input.partners).toEqual([{ key: 'MOP', name: 'Mopti Paix', ref: undefined, type: '22', regions: ['mopti'] }])
    expect(input.funder).toBeUndefined()
    expect(input.country).toBe('ML')
    expect(programmeFields(input)).toEqual({ ...f, country: 'ML' })
    expect(programmeProblems({ ...f, endOn: '2024-12-31', funderName: 'MAE' })).toEqual({ endOn: expect.any(String), 'funder.type': 'Obligatoire.' })
    expect(Object.keys(programmeProblems({ ...f, partners: [...partners, { key: 'G A O', name: '', ref: '', type: '22', regions: [] }] })).sort()).toEqual(['partners[1].key', 'partners[1].name', 'partners[1].regions'])
  })
  it('names its report’s files by programme, moment and language', () => {
    expect(reportFile('NL-KVK-1/PAL', '2026-06-30', 'en', 'xml')).toBe('palabre-rapport_NL-KVK-1-PAL_2026-06-30_en.xml')
  })
})

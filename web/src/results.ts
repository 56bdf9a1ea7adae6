import { language, t } from './i18n'
import { count, percent } from './numbers'
import { blank, rules, type Problems } from './checks'

// The results framework as the forms hold it, and back: a framework read
// from the API (or a command kept in the outbox) becomes the fields of a
// form, and the fields become the command's input. Amounts are typed as
// the reader writes them ("12,5" in French) and sent as numbers.

export interface Organisation {
  ref: string | null
  name: string
  type: string
}

export interface Amount {
  year: number
  value: number | null
  comment: string | null
}

export interface Indicator {
  key: string
  resultKey: string
  title: string
  description: string | null
  measure: string
  ascending: boolean
  baseline: Amount
  targets: Amount[]
  references: string[]
  rule: string | null
  pillar: string | null
  group: string | null
  spaceId: string | null
  changeType: string | null
}

export interface HandValue {
  indicatorKey: string
  year: number
  partnerKey: string | null
  value: number | null
  comment: string | null
  evidence: string[]
  dimensions: { name: string; value: string; count: number }[]
}

export interface Framework {
  id: string
  title: string
  description: string | null
  identifier: string
  reportingOrg: Organisation
  funder: Organisation | null
  country: string
  startOn: string
  endOn: string | null
  vocabularyName: string | null
  vocabularyUri: string | null
  partners: { key: string; name: string; ref: string | null; type: string; regions: string[] }[]
  outcomes: { key: string; title: string; description: string | null }[]
  results: { key: string; outcomeKey: string; type: string; title: string; description: string | null }[]
  indicators: Indicator[]
  values: HandValue[]
}

/** frameworkFields are a Framework's fields as the API is asked them. */
export const frameworkFields = `id title description identifier reportingOrg { ref name type } funder { ref name type } country startOn endOn vocabularyName vocabularyUri
  partners { key name ref type regions } outcomes { key title description } results { key outcomeKey type title description }
  indicators { key resultKey title description measure ascending baseline { year value comment } targets { year value comment } references rule pillar group spaceId changeType }
  values { indicatorKey year partnerKey value comment evidence dimensions { name value count } }`

// IATI's OrganisationType codes, which the server takes.
export const organisationTypes = ['10', '11', '15', '21', '22', '23', '24', '30', '40', '60', '70', '71', '72', '73', '80', '90'] as const

// The rules palabre computes indicators by, as rules.json declares them
// (a Go test holds it to the domain): the measure each gives and the
// parameters each takes, by the API's enum value (PARTICIPANTS_REACHED).
type Param = 'pillar' | 'spaceId' | 'group' | 'changeType'
const enumOf = (code: string) => code.toUpperCase().replace(/-/g, '_')
const declared = rules.framework
export const ruleMeasure: Record<string, string> = Object.fromEntries(Object.entries(declared.ruleMeasure).map(([r, m]) => [enumOf(r), enumOf(m)]))
export const ruleParams: Record<string, Param[]> = Object.fromEntries(Object.entries(declared.ruleParams).map(([r, ps]) => [enumOf(r), ps as Param[]]))

/** readNumber reads a number as the reader typed it: "1 234,5" or
 * "1234.5"; NaN when it is none, undefined when blank. */
export function readNumber(typed: string): number | undefined {
  const s = typed.trim().replace(/[\s\u00a0\u202f]/g, '')
  if (s === '') return undefined
  const n = Number(s.replace(',', '.'))
  return /^-?[0-9]*[.,]?[0-9]+$/.test(s) ? n : NaN
}

/** typed writes a number back as the reader types it. */
export function typed(n: number | null | undefined): string {
  return n == null ? '' : String(n).replace('.', language() === 'fr' ? ',' : '.')
}

/** amount writes a value of a measure: a number, a percentage, or the
 * comment of a qualitative one. */
export function amount(measure: string, a: { value: number | null; comment?: string | null } | null | undefined): string {
  if (!a) return '—'
  if (a.value == null) return a.comment || '—'
  return measure === 'PERCENTAGE' ? percent(a.value) : count(a.value)
}

const keyPattern = new RegExp(declared.key)

function required(out: Problems, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) if (blank(value)) out[name] = t('form.required')
}

function keyProblem(out: Problems, key: string) {
  if (key.trim() && !keyPattern.test(key.trim())) out.key = t('results.keyRule')
}

/** keyedProblems are a programme outcome's or a result's: a key, a title,
 * and the other fields named. */
export function keyedProblems<F extends { key: string; title: string }>(f: F, more: (keyof F & string)[] = []): Problems {
  const out: Problems = {}
  required(out, Object.fromEntries((['key', 'title', ...more] as (keyof F & string)[]).map((k) => [k, String(f[k])])))
  keyProblem(out, f.key)
  return out
}

// ——— the programme

export interface ProgrammeFields {
  title: string
  description: string
  identifier: string
  orgRef: string
  orgName: string
  orgType: string
  funderRef: string
  funderName: string
  funderType: string
  country: string
  startOn: string
  endOn: string
  vocabularyName: string
  vocabularyUri: string
  partners: PartnerFields[]
}

/** A partner as the form holds it; with several, the IATI file has a
 * child activity for each, of its regions' figures. */
export interface PartnerFields {
  key: string
  name: string
  ref: string
  type: string
  regions: string[]
}

export const blankPartner: PartnerFields = { key: '', name: '', ref: '', type: '', regions: [] }

/** ProgrammeInput is the programme as the server takes it. */
export interface ProgrammeInput {
  title: string
  description?: string
  identifier: string
  reportingOrg: { ref?: string; name: string; type: string }
  funder?: { ref?: string; name: string; type: string }
  country: string
  startOn: string
  endOn?: string
  vocabulary?: { name?: string; uri?: string }
  partners?: { key: string; name: string; ref?: string | null; type: string; regions: string[] }[]
}

export const blankProgramme: ProgrammeFields = {
  title: '', description: '', identifier: '', orgRef: '', orgName: '', orgType: '', funderRef: '', funderName: '', funderType: '',
  country: 'ML', startOn: '', endOn: '', vocabularyName: '', vocabularyUri: '', partners: [],
}

const opt = (s: string) => s.trim() || undefined

/** programmeInput is the form's programme. */
export function programmeInput(f: ProgrammeFields): ProgrammeInput {
  return {
    title: f.title.trim(), description: opt(f.description), identifier: f.identifier.trim(),
    reportingOrg: { ref: opt(f.orgRef), name: f.orgName.trim(), type: f.orgType },
    funder: f.funderName.trim() ? { ref: opt(f.funderRef), name: f.funderName.trim(), type: f.funderType } : undefined,
    country: f.country.trim().toUpperCase(), startOn: f.startOn, endOn: opt(f.endOn),
    vocabulary: f.vocabularyName.trim() || f.vocabularyUri.trim() ? { name: opt(f.vocabularyName), uri: opt(f.vocabularyUri) } : undefined,
    partners: f.partners.map((p) => ({ key: p.key.trim(), name: p.name.trim(), ref: opt(p.ref), type: p.type, regions: p.regions })),
  }
}

/** programmeFields are a programme's fields, from the framework as it
 * stands or the input a refused command sent. */
export function programmeFields(p: ProgrammeInput): ProgrammeFields {
  return {
    title: p.title, description: p.description ?? '', identifier: p.identifier, orgRef: p.reportingOrg.ref ?? '', orgName: p.reportingOrg.name, orgType: p.reportingOrg.type,
    funderRef: p.funder?.ref ?? '', funderName: p.funder?.name ?? '', funderType: p.funder?.type ?? '', country: p.country, startOn: p.startOn, endOn: p.endOn ?? '',
    vocabularyName: p.vocabulary?.name ?? '', vocabularyUri: p.vocabulary?.uri ?? '',
    partners: (p.partners ?? []).map((x) => ({ key: x.key, name: x.name, ref: x.ref ?? '', type: x.type, regions: x.regions })),
  }
}

/** programmeOf is a framework's programme as an input. */
export function programmeOf(fw: Framework): ProgrammeInput {
  const org = (o: Organisation) => ({ ref: o.ref ?? undefined, name: o.name, type: o.type })
  return {
    title: fw.title, description: fw.description ?? undefined, identifier: fw.identifier, reportingOrg: org(fw.reportingOrg),
    funder: fw.funder ? org(fw.funder) : undefined, country: fw.country, startOn: fw.startOn, endOn: fw.endOn ?? undefined,
    vocabulary: fw.vocabularyName || fw.vocabularyUri ? { name: fw.vocabularyName ?? undefined, uri: fw.vocabularyUri ?? undefined } : undefined,
    partners: fw.partners,
  }
}

export function programmeProblems(f: ProgrammeFields): Problems {
  const out: Problems = {}
  required(out, { title: f.title, identifier: f.identifier, 'reportingOrg.name': f.orgName, 'reportingOrg.type': f.orgType, country: f.country, startOn: f.startOn })
  if (f.funderName.trim() && !f.funderType) out['funder.type'] = t('form.required')
  if (f.endOn && f.startOn && f.endOn < f.startOn) out.endOn = t('results.endBeforeStart')
  f.partners.forEach((p, i) => {
    required(out, { [`partners[${i}].key`]: p.key, [`partners[${i}].name`]: p.name, [`partners[${i}].type`]: p.type })
    if (p.regions.length === 0) out[`partners[${i}].regions`] = t('results.partnerRegions')
    const key: Problems = {}
    keyProblem(key, p.key)
    if (key.key) out[`partners[${i}].key`] = key.key
  })
  return out
}

// ——— indicators

/** A year's target as the form holds it: a number typed, or a comment. */
export interface TargetFields {
  year: string
  amount: string
}

export interface IndicatorFields {
  key: string
  resultKey: string
  title: string
  description: string
  measure: string
  ascending: boolean
  baselineYear: string
  baseline: string
  targets: TargetFields[]
  references: string
  rule: string
  pillar: string
  group: string
  spaceId: string
  changeType: string
}

export const blankIndicator: IndicatorFields = {
  key: '', resultKey: '', title: '', description: '', measure: '', ascending: true, baselineYear: '', baseline: '', targets: [{ year: '', amount: '' }],
  references: '', rule: '', pillar: '', group: '', spaceId: '', changeType: '',
}

/** amountInput is an amount typed for a measure: a comment for a
 * qualitative one, else a number. */
function amountInput(measure: string, year: string, typedAmount: string): Amount {
  return measure === 'QUALITATIVE'
    ? { year: Number(year), value: null, comment: typedAmount.trim() || null }
    : { year: Number(year), value: readNumber(typedAmount) ?? null, comment: null }
}

const amountTyped = (a: { value: number | null; comment: string | null }) => (a.value != null ? typed(a.value) : (a.comment ?? ''))

export function indicatorInput(f: IndicatorFields) {
  const params = ruleParams[f.rule] ?? []
  const param = (name: (typeof params)[number], value: string) => (params.includes(name) && value ? value : undefined)
  const strip = (a: Amount) => ({ year: a.year, value: a.value ?? undefined, comment: a.comment ?? undefined })
  return {
    key: f.key.trim(), resultKey: f.resultKey, title: f.title.trim(), description: opt(f.description), measure: f.measure, ascending: f.ascending,
    baseline: strip(amountInput(f.measure, f.baselineYear, f.baseline)),
    targets: f.targets.filter((x) => x.year.trim() || x.amount.trim()).map((x) => strip(amountInput(f.measure, x.year, x.amount))),
    references: f.references.split(',').map((r) => r.trim()).filter(Boolean),
    rule: f.rule || undefined, pillar: param('pillar', f.pillar), group: param('group', f.group), spaceId: param('spaceId', f.spaceId), changeType: param('changeType', f.changeType),
  }
}

export type IndicatorInput = ReturnType<typeof indicatorInput>

/** indicatorFields are an indicator's fields, from the framework or a
 * refused command's input. */
export function indicatorFields(i: IndicatorInput | Indicator): IndicatorFields {
  const a = (x: { value?: number | null; comment?: string | null }) => amountTyped({ value: x.value ?? null, comment: x.comment ?? null })
  const targets = i.targets.map((x) => ({ year: String(x.year), amount: a(x) }))
  return {
    key: i.key, resultKey: i.resultKey, title: i.title, description: i.description ?? '', measure: i.measure, ascending: i.ascending,
    baselineYear: i.baseline.year ? String(i.baseline.year) : '', baseline: a(i.baseline), targets: targets.length ? targets : [{ year: '', amount: '' }],
    references: i.references.join(', '), rule: i.rule ?? '', pillar: i.pillar ?? '', group: i.group ?? '', spaceId: i.spaceId ?? '', changeType: i.changeType ?? '',
  }
}

function yearProblem(out: Problems, field: string, year: string) {
  const y = Number(year)
  if (!year.trim()) out[field] = t('form.required')
  else if (!Number.isInteger(y) || y < declared.year.min || y > declared.year.max) out[field] = t('results.yearRule', declared.year)
}

function amountProblem(out: Problems, field: string, measure: string, typedAmount: string) {
  if (!measure) return
  const n = readNumber(typedAmount)
  if (measure === 'QUALITATIVE') {
    if (blank(typedAmount)) out[field + '.comment'] = t('form.required')
  } else if (n === undefined) out[field + '.value'] = t('form.required')
  else if (Number.isNaN(n) || n < 0) out[field + '.value'] = t('results.numberRule')
  else if (measure === 'PERCENTAGE' && n > 100) out[field + '.value'] = t('results.percentRule')
}

export function indicatorProblems(f: IndicatorFields): Problems {
  const out: Problems = {}
  required(out, { key: f.key, resultKey: f.resultKey, title: f.title, measure: f.measure })
  keyProblem(out, f.key)
  yearProblem(out, 'baseline.year', f.baselineYear)
  amountProblem(out, 'baseline', f.measure, f.baseline)
  f.targets.forEach((x, i) => {
    if (!x.year.trim() && !x.amount.trim()) return
    yearProblem(out, `targets[${i}].year`, x.year)
    amountProblem(out, `targets[${i}]`, f.measure, x.amount)
  })
  for (const p of ruleParams[f.rule] ?? []) {
    if (declared.ruleRequires.includes(p) && !f[p]) out['params.' + p] = t('form.required')
  }
  return out
}

// ——— values entered by hand

/** The parts of a value the donor report shows, as the rules split them. */
export const valueParts = [
  { name: 'SEX', value: 'female', label: 'report.women' },
  { name: 'SEX', value: 'male', label: 'report.men' },
  { name: 'AGE', value: '15-35', label: 'report.youth' },
  { name: 'DISABILITY', value: 'yes', label: 'report.disability' },
] as const

export interface ValueFields {
  indicatorKey: string
  year: string
  partnerKey: string
  amount: string
  evidence: string
  parts: string[]
}

export function blankValue(indicatorKey: string, year: number): ValueFields {
  return { indicatorKey, year: String(year), partnerKey: '', amount: '', evidence: '', parts: valueParts.map(() => '') }
}

export function valueInput(f: ValueFields, measure: string) {
  const a = amountInput(measure, f.year, f.amount)
  return {
    indicatorKey: f.indicatorKey, year: Number(f.year), partnerKey: f.partnerKey || undefined, value: a.value ?? undefined, comment: a.comment ?? undefined,
    evidence: f.evidence.split('\n').map((e) => e.trim()).filter(Boolean),
    dimensions: valueParts.flatMap((p, i) => {
      const n = readNumber(f.parts[i] ?? '')
      return n === undefined || Number.isNaN(n) ? [] : [{ name: p.name, value: p.value, count: n }]
    }),
  }
}

export type ValueInput = ReturnType<typeof valueInput>

/** valueFields are a value's fields, from a refused command's input. */
export function valueFields(v: ValueInput): ValueFields {
  return {
    indicatorKey: v.indicatorKey, year: String(v.year), partnerKey: v.partnerKey ?? '', amount: amountTyped({ value: v.value ?? null, comment: v.comment ?? null }),
    evidence: v.evidence.join('\n'),
    parts: valueParts.map((p) => typed(v.dimensions.find((d) => d.name === p.name && d.value === p.value)?.count)),
  }
}

export function valueProblems(f: ValueFields, measure: string): Problems {
  const out: Problems = {}
  yearProblem(out, 'year', f.year)
  amountProblem(out, '', measure, f.amount)
  if (out['.value']) out.value = out['.value']!
  if (out['.comment']) out.comment = out['.comment']!
  delete out['.value']
  delete out['.comment']
  if (blank(f.evidence)) out.evidence = t('results.evidenceNeeded')
  f.parts.forEach((p, i) => {
    const n = readNumber(p)
    if (n !== undefined && (Number.isNaN(n) || n < 0)) out[`parts[${i}]`] = t('results.numberRule')
  })
  return out
}

/** reportFile names a donor report's file: the programme, the moment and
 * the language. */
export function reportFile(identifier: string, asOf: string, lang: string, ext: string): string {
  const safe = identifier.replace(/[^A-Za-z0-9._-]+/g, '-')
  return `palabre-rapport_${safe}_${asOf}_${lang}.${ext}`
}

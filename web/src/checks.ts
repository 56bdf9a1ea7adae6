import { language, t } from './i18n'
import rules from './rules.json'

// The forms' own checks, made as the person types, before the server's:
// every rule of the server a device can know, declared once in
// rules.json (a Go test holds them to the domain's deciders).

export { rules }

export type Headcount = Record<'youngWomen' | 'adultWomen' | 'youngMen' | 'adultMen' | 'withDisabilities' | 'displaced', number>

/** Problems are messages by field path (the input's own names). */
export type Problems = Record<string, string>

/** today is the device's date as the API writes dates (YYYY-MM-DD), in
 * its own time zone, as the person reads their calendar. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** subsetProblems: the disability and displaced counts are among the
 * unregistered, never more than them. */
export function subsetProblems(h: Headcount): Partial<Record<'withDisabilities' | 'displaced', number>> {
  const total = h.youngWomen + h.adultWomen + h.youngMen + h.adultMen
  const out: Partial<Record<'withDisabilities' | 'displaced', number>> = {}
  if (h.withDisabilities > total) out.withDisabilities = total
  if (h.displaced > total) out.displaced = total
  return out
}

/** headcountProblems: each count within bounds, subsets within the total. */
export function headcountProblems(h: Headcount): Problems {
  const out: Problems = {}
  for (const [k, n] of Object.entries(h)) {
    if (n < 0 || n > rules.headcount.max) out['headcount.' + k] = t('rule.between', { max: new Intl.NumberFormat(language()).format(rules.headcount.max) })
  }
  for (const [k, total] of Object.entries(subsetProblems(h))) out['headcount.' + k] ??= t('dialogue.subsetTooLarge', { total })
  return out
}

/** futureDate: a business date is never after today. */
export function futureDate(value: string, now: string): string | undefined {
  return value && value > now ? t('rule.future') : undefined
}

/** blank: a text with no character a reader can see, which the server
 * takes for an empty one (domain.Blank): spaces of any kind, format
 * characters (U+200B zero-width space, U+FEFF), controls, combining marks
 * alone, the braille blank and the Hangul fillers. */
export function blank(value: string): boolean {
  return /^[\p{Z}\p{Cc}\p{Cf}\p{Mn}\p{Me}\s\u2800\u115f\u1160\u3164\uffa0]*$/u.test(value)
}

/** characters is a text's length as the server counts it: code points,
 * not UTF-16 units (an emoji or an Adlam letter is two units, one
 * character). */
export function characters(value: string): number {
  return [...value].length
}

function tooLong(out: Problems, field: string, value: string, max: number) {
  if (value.length <= max) return // a text is never more characters than UTF-16 units
  const n = characters(value)
  if (n > max) out[field] = t('rule.tooLong', { max, n })
}

export interface DialogueFields {
  heldOn: string
  title: string
  topics: string
  locality: string
  language: string
  durationMinutes: string
  headcount: Headcount
  concerns: { category: string; summary: string }[]
  commitments?: { stakeholderId: string; text: string; dueOn: string }[]
}

/** dialogueProblems are a dialogue form's problems the device can see. */
export function dialogueProblems(f: DialogueFields, now: string): Problems {
  const out: Problems = headcountProblems(f.headcount)
  const future = futureDate(f.heldOn, now)
  if (future) out.heldOn = future
  const n = rules.maxLength
  tooLong(out, 'title', f.title, n.title)
  f.topics.split(',').forEach((topic) => tooLong(out, 'topics', topic.trim(), n.topic))
  tooLong(out, 'locality', f.locality, n.locality)
  tooLong(out, 'language', f.language, n.language)
  if (f.durationMinutes !== '' && (Number(f.durationMinutes) < 0 || Number(f.durationMinutes) > rules.durationMinutes.max)) {
    out.durationMinutes = t('rule.duration')
  }
  f.concerns.forEach((c, i) => tooLong(out, `concerns[${i}]`, c.summary, n.concernSummary))
  f.commitments?.forEach((c, i) => {
    tooLong(out, `commitments[${i}].text`, c.text, n.commitmentText)
    if (c.dueOn && f.heldOn && c.dueOn < f.heldOn) out[`commitments[${i}].dueOn`] = t('rule.dueBeforeMade')
  })
  return out
}

export interface EnrolFields {
  code: string
  birthYear: string
  ageBand: string
  consentOn: string
}

/** enrolProblems are an enrolment's problems the device can see: the
 * code's form, a code the device knows to be someone else's, the birth
 * year, and the consent's date. */
export function enrolProblems(f: EnrolFields, now: string, takenCodes: Set<string> = new Set()): Problems {
  const out: Problems = {}
  const code = f.code.trim()
  if (code && !new RegExp(rules.code.pattern).test(code)) out.code = t('rule.code')
  else if (code && takenCodes.has(code.toUpperCase())) out.code = t('rule.codeTaken', { code })
  const year = Number(f.birthYear)
  if (f.birthYear && f.ageBand) out.birthYear = t('rule.yearOrBand')
  else if (f.birthYear && (!Number.isInteger(year) || year < rules.birthYear.min || year > Number(now.slice(0, 4)))) {
    out.birthYear = t('rule.birthYear', { min: rules.birthYear.min, max: now.slice(0, 4) })
  }
  const future = futureDate(f.consentOn, now)
  if (future) out.consentOn = future
  return out
}

export type CommitmentAction = 'progress' | 'revise' | 'fulfil' | 'break' | 'withdraw'

export interface ActionFields {
  /** The date of the action (the new due date for a revision). */
  on: string
  status: string
  note: string
  evidence: string
}

/** actionProblems are a commitment's follow-up's problems the device can
 * see: its date neither before the commitment was made nor, but for a new
 * due date, after today; a progress report's status; a revision's reason;
 * lengths. */
export function actionProblems(action: CommitmentAction, f: ActionFields, madeOn: string, now: string): Problems {
  const out: Problems = {}
  if (!f.on) out.on = t('form.required')
  else if (f.on < madeOn) out.on = t('rule.beforeMade', { date: madeOn })
  else if (action !== 'revise' && f.on > now) out.on = t('rule.future')
  if (action === 'progress' && !f.status) out.status = t('form.required')
  if (action === 'revise' && blank(f.note)) out.note = t('form.required')
  tooLong(out, 'note', f.note, action === 'revise' ? rules.maxLength.reviseReason : rules.maxLength.note)
  f.evidence.split('\n').forEach((line) => tooLong(out, 'evidence', line.trim(), rules.maxLength.evidence))
  return out
}

export interface OutcomeFields {
  actorId: string
  changeType: string
  on: string
  region: string
  locality: string
  description: string
  significance: string
  contribution: string
  othersContribution: string
  tags: string
}

/** outcomeProblems are an outcome's problems the device can see: what is
 * required, its date not after today, lengths. */
export function outcomeProblems(f: OutcomeFields, now: string): Problems {
  const out: Problems = {}
  for (const k of ['actorId', 'changeType', 'on', 'region', 'description', 'significance', 'contribution'] as const) {
    if (blank(f[k])) out[k] = t('form.required')
  }
  const future = futureDate(f.on, now)
  if (future) out.on = future
  tooLong(out, 'locality', f.locality, rules.maxLength.locality)
  for (const k of ['description', 'significance', 'contribution', 'othersContribution'] as const) tooLong(out, k, f[k], rules.maxLength.outcomeText)
  splitTags(f.tags).forEach((tag) => tooLong(out, 'tags', tag, rules.maxLength.tag))
  return out
}

/** splitTags are the tags as typed, separated by commas, each once. */
export function splitTags(s: string): string[] {
  return [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))]
}

export interface VerifierFields {
  name: string
  phone: string
  organisation: string
  on: string
}

/** verifierProblems: a verifier is asked by name, on a date between the
 * change and today. */
export function verifierProblems(f: VerifierFields, changedOn: string, now: string): Problems {
  const out: Problems = {}
  if (blank(f.name)) out.name = t('form.required')
  tooLong(out, 'name', f.name, rules.maxLength.verifierName)
  tooLong(out, 'phone', f.phone, rules.maxLength.verifierPhone)
  tooLong(out, 'organisation', f.organisation, rules.maxLength.verifierOrganisation)
  return { ...out, ...dateBetween('on', f.on, changedOn, now) }
}

/** dateBetween: a required date neither before first nor after today. */
export function dateBetween(field: string, value: string, first: string, now: string): Problems {
  if (!value) return { [field]: t('form.required') }
  if (value < first) return { [field]: t('rule.notBefore', { date: first }) }
  const future = futureDate(value, now)
  return future ? { [field]: future } : {}
}

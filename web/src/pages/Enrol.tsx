import { useEffect, useState } from 'preact/hooks'
import { useApp } from '../app'
import type { OutboxItem } from '../db'
import { Field, RegionSelect, Saved, VocabularySelect, describedBy, focusFirstProblem, refusal, terms } from '../forms'
import { enrolProblems, rules, today } from '../checks'
import { NameLookup } from '../namelookup'
import { t, type MessageKey } from '../i18n'
import { ulid } from '../ulid'
import { gql, type ApiError } from '../api'

// Enrol a participant: a pseudonymous profile (code, sex, age or age
// band, the Washington Group Short Set, displacement, groups, region) and
// consent. The name and phone are sealed to the server's device key as
// the item is made: the device never reads them back, and only the
// server opens them (then seals them under the participant's own key).

export const enrolParticipant = `mutation Enrol($commandId: ID!, $input: EnrolParticipantInput!, $identity: IdentityInput!) { enrolParticipant(commandId: $commandId, input: $input, identity: $identity) { id } }`

const domains = ['seeing', 'hearing', 'walking', 'cognition', 'selfCare', 'communication'] as const

interface Form {
  code: string
  name: string
  phone: string
  sex: string
  birthYear: string
  ageBand: string
  region: string
  displacement: string
  groups: string[]
  functioning: Record<(typeof domains)[number], string>
  consentGiven: boolean
  consentOn: string
}

const empty = (region: string): Form => ({
  code: '', name: '', phone: '', sex: '', birthYear: '', ageBand: '', region, displacement: '', groups: [],
  functioning: { seeing: '', hearing: '', walking: '', cognition: '', selfCare: '', communication: '' },
  consentGiven: false, consentOn: today(),
})

function input(f: Form) {
  const functioning = Object.fromEntries(Object.entries(f.functioning).filter(([, v]) => v))
  return {
    code: f.code.trim(), sex: f.sex, birthYear: f.birthYear ? Number(f.birthYear) : undefined, ageBand: f.ageBand || undefined,
    functioning, displacement: f.displacement, groups: f.groups, region: f.region, consent: { given: f.consentGiven, on: f.consentOn },
  }
}

export const correctParticipant = `mutation Correct($commandId: ID!, $id: ID!, $input: ParticipantProfileInput!, $identity: IdentityInput) {
  correctParticipant(commandId: $commandId, id: $id, input: $input, identity: $identity) { id } }`

// SetField changes one field of the form.
type SetField = <K extends keyof Form>(k: K, v: Form[K]) => void

// Need is a field's message: required and left empty, refused by the
// checks, or refused by the server when a queued command is being fixed.
type Need = (name: string) => string | undefined

// useTakenCodes are the codes the device knows are taken: its cached
// participants' and its enrolments not yet sent (the one being fixed or
// corrected, own, aside), read again after each save.
function useTakenCodes(own: string | undefined, saved: string): Set<string> {
  const app = useApp()
  const ref = app.reference
  const [taken, setTaken] = useState<Set<string>>(new Set())
  useEffect(() => {
    void app.outbox.list().then((items) => {
      const codes = (ref?.participants ?? []).filter((p) => p.id !== own).map((p) => p.code.toUpperCase())
      for (const i of items) {
        if (i.mutation === 'enrolParticipant' && i.state !== 'sent' && i.objectId !== own) codes.push(String((i.variables.input as { code: string }).code).toUpperCase())
      }
      setTaken(new Set(codes))
    })
  }, [ref, own, saved])
  return taken
}

// useQueuedEnrolment fills the form from the queued enrolment being fixed.
function useQueuedEnrolment(fix: number | undefined, setFixing: (item: OutboxItem) => void, setForm: (f: Form) => void) {
  const app = useApp()
  useEffect(() => {
    if (fix === undefined) return
    void app.outbox.get(fix).then((item) => {
      if (!item) return
      const i = item.variables.input as ReturnType<typeof input>
      setFixing(item)
      // The name stays sealed: a fix asks for it again.
      setForm({ ...empty(i.region), code: i.code, sex: i.sex, birthYear: i.birthYear ? String(i.birthYear) : '', ageBand: i.ageBand ?? '',
        displacement: i.displacement, groups: i.groups, functioning: { ...empty('').functioning, ...i.functioning }, consentGiven: i.consent.given, consentOn: i.consent.on })
    })
  }, [fix])
}

// useProfileToCorrect fills the form from the record as the server holds
// it; the name and phone are replaced only when given again.
function useProfileToCorrect(correct: string | undefined, setForm: (f: Form) => void) {
  useEffect(() => {
    if (!correct) return
    void gql<{ participant: { code: string; sex: string; birthYear: number | null; ageBand: string | null; displacement: string; groups: string[]; region: string } | null }>(
      `query P($id: ID!) { participant(id: $id) { code sex birthYear ageBand displacement groups region } }`, { id: correct },
    ).then((a) => {
      const p = a.data?.participant
      if (p) setForm({ ...empty(p.region), code: p.code, sex: p.sex, birthYear: p.birthYear ? String(p.birthYear) : '', ageBand: p.ageBand ?? '', displacement: p.displacement, groups: p.groups })
    }, () => undefined)
  }, [correct])
}

// useEnrolForm is the form's state: its fields (new, a queued enrolment
// being fixed, or a profile being corrected), the fields found missing,
// what was saved, and the codes taken.
function useEnrolForm(fix: number | undefined, correct: string | undefined) {
  const app = useApp()
  const [form, setForm] = useState<Form>(() => empty(app.session.regions[0] ?? ''))
  const [fixing, setFixing] = useState<OutboxItem>()
  const [missing, setMissing] = useState<string[]>([])
  const [saved, setSaved] = useState('')
  const taken = useTakenCodes(fixing?.objectId ?? correct, saved)
  useQueuedEnrolment(fix, setFixing, setForm)
  useProfileToCorrect(correct, setForm)
  const set: SetField = (k, v) => {
    setSaved('')
    setForm((f) => ({ ...f, [k]: v }))
  }
  return { form, setForm, set, fixing, missing, setMissing, saved, setSaved, taken }
}

// missingFields are the fields required and left empty: the name and the
// consent only for a new enrolment, a birth year or an age band.
function missingFields(form: Form, correct: string | undefined): string[] {
  const absent: string[] = (['code', ...(correct ? [] : ['name' as const]), 'sex', 'displacement', 'region'] as const).filter((k) => !form[k])
  if (!form.birthYear && !form.ageBand) absent.push('birthYear')
  if (!correct && !form.consentGiven) absent.push('consentGiven')
  return absent
}

// useSubmitEnrolment checks the form, then queues the enrolment (or the
// correction, or the fixed enrolment in place of the queued one), its
// name and phone sealed, and sends it when online and on its own page.
function useSubmitEnrolment(state: ReturnType<typeof useEnrolForm>, problems: Record<string, string>, correct?: string, onEnrolled?: (id: string, code: string) => void) {
  const app = useApp()
  const { form, setForm, fixing, setMissing, setSaved } = state
  return async (e: Event) => {
    e.preventDefault()
    if (!app.key) return // the PIN form stands in front
    if (!app.serverKey) return setSaved(t('serverKey.missing'))
    const absent = missingFields(form, correct)
    setMissing(absent)
    focusFirstProblem()
    if (absent.length > 0 || Object.keys(problems).length > 0) return
    const identity = { name: form.name.trim(), phone: form.phone.trim() || undefined }
    const summary = form.code.trim()
    if (correct) {
      const { consent: _, ...profile } = input(form)
      await app.outbox.add({ mutation: 'correctParticipant', document: correctParticipant, objectId: correct, refersTo: [correct], summary: `${t('enrol.correct')} — ${summary}`,
        variables: { commandId: ulid(), id: correct, input: profile }, identity: identity.name ? identity : undefined })
    } else if (fixing) {
      await app.outbox.replace(fixing.seq!, { mutation: 'enrolParticipant', document: enrolParticipant, variables: { commandId: fixing.commandId, input: input(form) }, identity, objectId: fixing.objectId, summary })
      app.go('/outbox')
    } else {
      const id = ulid()
      await app.outbox.add({ mutation: 'enrolParticipant', document: enrolParticipant, variables: { commandId: id, input: input(form) }, identity, objectId: id, summary })
      setForm(empty(form.region))
      onEnrolled?.(id, summary)
    }
    setSaved(t('enrol.saved', { code: summary }))
    if (app.online && !onEnrolled) void app.drain()
  }
}

// ProfileFields are the person: code, name, phone, sex, age, region,
// displacement; on its own page, a new enrolment also looks the name up.
function ProfileFields({ form, set, need, missing, lookup }: { form: Form; set: SetField; need: Need; missing: string[]; lookup: boolean }) {
  const app = useApp()
  const ref = app.reference
  const now = today()
  return (
    <fieldset>
      <Field id="code" label={t('enrol.code')} error={need('code')}>
        <input id="code" value={form.code} required autoComplete="off" aria-invalid={need('code') ? true : undefined} aria-describedby={describedBy('code', need('code'))} onInput={(e) => set('code', e.currentTarget.value)} />
      </Field>
      <Field id="name" label={t('enrol.name')} error={missing.includes('name') ? t('form.required') : undefined}>
        <input id="name" value={form.name} required autoComplete="off" spellcheck={false} onInput={(e) => set('name', e.currentTarget.value)} />
      </Field>
      {lookup && (
        <NameLookup id="same-name" online={app.online} name={form.name}
          act={(m) => ({ label: t('enrol.sameName', { code: m.code }), href: `#/participant/${m.id}` })} />
      )}
      <Field id="phone" label={t('enrol.phone')}>
        <input id="phone" type="tel" value={form.phone} autoComplete="off" onInput={(e) => set('phone', e.currentTarget.value)} />
      </Field>
      <Field id="sex" label={t('enrol.sex')} error={need('sex')}>
        <VocabularySelect id="sex" vocabulary="Sex" ref_={ref} value={form.sex} onChange={(v) => set('sex', v)} required error={need('sex')} />
      </Field>
      <Field id="birthYear" label={t('enrol.birthYear')} error={need('birthYear')}>
        <input id="birthYear" type="number" inputMode="numeric" min={rules.birthYear.min} max={now.slice(0, 4)} value={form.birthYear} aria-invalid={need('birthYear') ? true : undefined} aria-describedby={describedBy('birthYear', need('birthYear'))} onInput={(e) => set('birthYear', e.currentTarget.value)} />
      </Field>
      <Field id="ageBand" label={t('enrol.ageBand')} error={need('ageBand')}>
        <VocabularySelect id="ageBand" vocabulary="AgeBand" ref_={ref} value={form.ageBand} onChange={(v) => set('ageBand', v)} error={need('ageBand')} />
      </Field>
      <Field id="region" label={t('enrol.region')} error={need('region')}>
        <RegionSelect id="region" ref_={ref} value={form.region} onChange={(v) => set('region', v)} only={app.session.regions} />
      </Field>
      <Field id="displacement" label={t('enrol.displacement')} error={need('displacement')}>
        <VocabularySelect id="displacement" vocabulary="Displacement" ref_={ref} value={form.displacement} onChange={(v) => set('displacement', v)} required error={need('displacement')} />
      </Field>
    </fieldset>
  )
}

// GroupsAndFunctioning are the groups the person belongs to and the
// Washington Group Short Set.
function GroupsAndFunctioning({ form, set, error }: { form: Form; set: SetField; error?: ApiError }) {
  const ref = useApp().reference
  return (
    <>
      <fieldset>
        <legend>{t('enrol.groups')}</legend>
        {terms(ref, 'Group').map((g) => (
          <label key={g.code} class="check">
            <input type="checkbox" checked={form.groups.includes(g.code)} onChange={(e) => set('groups', e.currentTarget.checked ? [...form.groups, g.code] : form.groups.filter((x) => x !== g.code))} /> {g.label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('enrol.functioning')}</legend>
        {domains.map((d) => (
          <Field key={d} id={'wg-' + d} label={t(('enrol.' + d) as MessageKey)} error={refusal(error, 'functioning.' + d)}>
            <VocabularySelect id={'wg-' + d} vocabulary="Difficulty" ref_={ref} value={form.functioning[d]} onChange={(v) => set('functioning', { ...form.functioning, [d]: v })} />
          </Field>
        ))}
      </fieldset>
    </>
  )
}

// ConsentFields are the consent given and its date.
function ConsentFields({ form, set, need, consentOn }: { form: Form; set: SetField; need: Need; consentOn?: string }) {
  return (
    <fieldset>
      <legend>{t('enrol.consent')}</legend>
      <div class={need('consentGiven') ? 'field invalid' : 'field'}>
        <label class="check">
          <input id="consentGiven" type="checkbox" checked={form.consentGiven} aria-invalid={need('consentGiven') ? true : undefined}
            aria-describedby={describedBy('consentGiven', need('consentGiven'))} onChange={(e) => set('consentGiven', e.currentTarget.checked)} /> {t('enrol.consentGiven')}
        </label>
        {need('consentGiven') && <p id="consentGiven-error" class="error" role="alert">{need('consentGiven')}</p>}
      </div>
      <Field id="consentOn" label={t('enrol.consentOn')} error={consentOn}>
        <input id="consentOn" type="date" max={today()} value={form.consentOn} onInput={(e) => set('consentOn', e.currentTarget.value)} />
      </Field>
    </fieldset>
  )
}

/** Enrol is the enrolment form, on its own page or inside the dialogue
 * form (embedded: a group of fields, since forms do not nest), where the
 * person enrolled joins the attendees at once. */
export function Enrol({ fix, correct, onEnrolled }: { fix?: number; correct?: string; onEnrolled?: (id: string, code: string) => void }) {
  const state = useEnrolForm(fix, correct)
  const { form, set, fixing, missing, saved, taken } = state
  const error = fixing?.error
  const problems = enrolProblems(form, today(), taken)
  const need = (name: string) => (missing.includes(name) ? (name === 'birthYear' ? t('rule.yearOrBandMissing') : name === 'consentGiven' ? t('rule.consent') : t('form.required')) : problems[name] ?? refusal(error, name))
  const submit = useSubmitEnrolment(state, problems, correct, onEnrolled)
  const Root = onEnrolled ? 'div' : 'form'
  const Heading = onEnrolled ? 'h2' : 'h1'
  return (
    <Root autoComplete="off" class="card wide" onSubmit={onEnrolled ? undefined : submit} role={onEnrolled ? 'group' : undefined} aria-labelledby="enrol-title" noValidate>
      <Heading id="enrol-title">{correct ? t('enrol.correct') : t('enrol.title')}</Heading>
      {correct && <p class="help">{t('enrol.correctHelp')}</p>}
      <ProfileFields form={form} set={set} need={need} missing={missing} lookup={!correct && !onEnrolled} />
      <GroupsAndFunctioning form={form} set={set} error={error} />
      <ConsentFields form={form} set={set} need={need} consentOn={problems.consentOn ?? refusal(error, 'consent')} />
      <button type={onEnrolled ? 'button' : 'submit'} class="primary" onClick={onEnrolled ? submit : undefined}>{correct ? t('commitment.submit') : t('enrol.submit')}</button>
      <Saved message={saved} />
    </Root>
  )
}

import { useState } from 'preact/hooks'
import type { ApiError } from './api'
import { rules, subsetProblems, type Headcount } from './checks'
import { Field, describedBy, refusal } from './forms'
import { t } from './i18n'
import { NameLookup } from './namelookup'

// Who attended, as logging a dialogue and correcting its attendance both
// ask it: registered participants found by code and ticked "spoke", and
// the grid of the others, checked as one types (a subset never above its
// total).

export interface Attendee {
  participantId: string
  code: string
  spoke: boolean
}

export interface Attendance {
  attendees: Attendee[]
  headcount: Headcount
}

export const noHeadcount = (): Headcount => ({ youngWomen: 0, adultWomen: 0, youngMen: 0, adultMen: 0, withDisabilities: 0, displaced: 0 })

/** attendanceInput is the API's AttendanceInput of the fields. */
export function attendanceInput(a: Attendance) {
  return { attendees: a.attendees.map((x) => ({ participantId: x.participantId, spoke: x.spoke })), headcount: a.headcount }
}

export function AttendanceFields(props: {
  value: Attendance
  onChange: (a: Attendance) => void
  /** Codes by participant id: those the device knows. */
  codes: Map<string, string>
  error?: ApiError
  onEnrol?: () => void
  /** Whether the server can be asked (finding by name needs it). */
  online: boolean
  /** Problems the device sees, by field path. */
  problems?: Record<string, string>
}) {
  const { value, onChange, codes, error } = props
  const [search, setSearch] = useState('')
  const set = (patch: Partial<Attendance>) => onChange({ ...value, ...patch })
  const subsets = subsetProblems(value.headcount)
  const h = value.headcount
  const add = (participantId: string, code: string) => set({ attendees: [...value.attendees, { participantId, code, spoke: false }] })
  const total = h.youngWomen + h.adultWomen + h.youngMen + h.adultMen
  const q = search.trim().toLowerCase()
  const matches = q === '' ? [] : [...codes].filter(([id, code]) => code.toLowerCase().includes(q) && !value.attendees.some((a) => a.participantId === id)).slice(0, 8)
  const count = (k: keyof Headcount, labelText: string, problem?: number) => {
    const message = problem !== undefined ? t('dialogue.subsetTooLarge', { total: problem }) : props.problems?.['headcount.' + k] ?? refusal(error, 'headcount.' + k)
    return (
      <Field id={'hc-' + k} label={labelText} error={message}>
        <input
          id={'hc-' + k} type="number" min="0" max={rules.headcount.max} inputMode="numeric" value={h[k]}
          aria-invalid={message ? true : undefined} aria-describedby={describedBy('hc-' + k, message)}
          onInput={(e) => set({ headcount: { ...h, [k]: Math.max(0, Number(e.currentTarget.value) || 0) } })}
        />
      </Field>
    )
  }
  return (
    <>
      <fieldset>
        <legend>{t('dialogue.attendees')}</legend>
        {refusal(error, 'attendees') && <p class="error" role="alert">{refusal(error, 'attendees')}</p>}
        <Field id="find" label={t('dialogue.findAttendee')}>
          <input id="find" value={search} autoComplete="off" onInput={(e) => setSearch(e.currentTarget.value)} />
        </Field>
        <ul class="list">
          {matches.map(([id, code]) => (
            <li key={id}>
              <span>{code}</span>{' '}
              <button type="button" onClick={() => { add(id, code); setSearch('') }}>
                {t('dialogue.add')} {code}
              </button>
            </li>
          ))}
        </ul>
        <NameLookup id="find-name" online={props.online} act={(m) => ({
          label: `${t('dialogue.add')} ${m.code}`, onClick: () => add(m.id, m.code), done: value.attendees.some((a) => a.participantId === m.id),
        })} />
        {props.onEnrol && <button type="button" onClick={props.onEnrol}>{t('dialogue.enrolHere')}</button>}
        <ul class="list">
          {value.attendees.map((a, i) => (
            <li key={a.participantId}>
              <strong>{a.code}</strong>{' '}
              <label>
                <input type="checkbox" checked={a.spoke} aria-label={`${t('dialogue.spoke')} : ${a.code}`} onChange={(e) => set({ attendees: value.attendees.map((x, j) => (j === i ? { ...x, spoke: e.currentTarget.checked } : x)) })} /> {t('dialogue.spoke')}
              </label>{' '}
              <button type="button" class="link" onClick={() => set({ attendees: value.attendees.filter((_, j) => j !== i) })}>{t('dialogue.removeAttendee')} {a.code}</button>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset class="grid">
        <legend>{t('dialogue.headcount')}</legend>
        {count('youngWomen', `${t('dialogue.women')} — ${t('dialogue.young')}`)}
        {count('adultWomen', `${t('dialogue.women')} — ${t('dialogue.adult')}`)}
        {count('youngMen', `${t('dialogue.men')} — ${t('dialogue.young')}`)}
        {count('adultMen', `${t('dialogue.men')} — ${t('dialogue.adult')}`)}
        {count('withDisabilities', `${t('dialogue.withDisabilities')} (/${total})`, subsets.withDisabilities)}
        {count('displaced', `${t('dialogue.displaced')} (/${total})`, subsets.displaced)}
      </fieldset>
    </>
  )
}

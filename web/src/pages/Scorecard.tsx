import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useApp } from '../app'
import { statusClass, statusOf } from '../status'
import { useQuery } from '../query'
import { count, day, percent, shortDay } from '../numbers'
import { language, t } from '../i18n'
import { CommitmentCard, fields, updateFields, updateSaid, type Commitment, type Update } from './Commitments'

// A stakeholder's scorecard, shown to that authority in a meeting: on
// screen (a phone's width, no sideways scroll), and as one A4 sheet with
// every commitment's history, printed or saved as PDF by the browser.
//
// Why the browser's print and not a PDF made by the server: the sheet is
// the app's own page, so its words come from the same catalogue and its
// dates and numbers from the reader's Intl; it works offline from what the
// app keeps; the binary carries no PDF library, fonts or layout engine of
// its own; and every browser saves a print as PDF ("Enregistrer au format
// PDF"). What it costs: the sheet is laid out by the browser, so it is
// measured and fitted to the page here (fit, below) and a test prints it
// in Chromium and counts the PDF's pages.

interface Figures {
  made: number
  open: number
  overdue: number
  fulfilled: number
  broken: number
  withdrawn: number
  fulfilmentRate: number
  medianDaysToFulfilment: number
}

interface Card {
  stakeholder: {
    name: string
    commitmentFigures: Figures
    commitments: { totalCount: number | null; edges: { node: Commitment & { history: Update[] } }[] }
  } | null
}

const figureFields = `commitmentFigures { made open overdue fulfilled broken withdrawn fulfilmentRate medianDaysToFulfilment }`

/** figureList is the scorecard's figures, each with its words; they add
 * up, and the sentence under them says so. */
function figureList(f: Figures): [string, string][] {
  return [
    [t('scorecard.made'), count(f.made)], [t('scorecard.fulfilled'), count(f.fulfilled)], [t('scorecard.broken'), count(f.broken)],
    [t('scorecard.withdrawn'), count(f.withdrawn)], [t('scorecard.open'), count(f.open)], [t('scorecard.overdueOf'), count(f.overdue)],
    [t('scorecard.rate'), percent(f.fulfilmentRate, true)], [t('scorecard.median'), count(Math.round(f.medianDaysToFulfilment))],
  ]
}

function FigureBlock({ f }: { f: Figures }) {
  return (
    <>
      <dl class="figures">
        {figureList(f).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <p class="help">{t('scorecard.sum', { made: count(f.made), fulfilled: count(f.fulfilled), broken: count(f.broken), withdrawn: count(f.withdrawn), open: count(f.open) })}</p>
      <p class="help">{t('scorecard.rateOf', { fulfilled: count(f.fulfilled), broken: count(f.broken) })}</p>
    </>
  )
}

export function ScorecardPage({ id }: { id: string }) {
  const app = useApp()
  const [data, problem] = useQuery<Card>(
    `query Card($id: ID!) { stakeholder(id: $id) { name ${figureFields}
      commitments(first: 100, status: OPEN, orderBy: DUE_ON) { totalCount edges { node { ${fields} history { kind on } } } } } }`, { id }, [id], app)
  const s = data?.stakeholder
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!s) return <p class="loading">…</p>
  return (
    <section class="scorecard">
      <h1>{t('scorecard.title', { name: s.name })}</h1>
      <p class="help">{t('scorecard.printed', { date: day(new Date().toISOString()) })}</p>
      <FigureBlock f={s.commitmentFigures} />
      <p><a href={`#/scorecard/${id}/print`}>{t('sheet.open')}</a></p>
      <h2>{t('scorecard.openOnes')}</h2>
      {s.commitments.edges.length === 0 ? <p>{t('scorecard.noneOpen')}</p> : (
        <ul class="cards">
          {s.commitments.edges.map(({ node: c }) => <CommitmentCard key={c.id} c={c} />)}
        </ul>
      )}
    </section>
  )
}

/** sheetOrder: open ones first (overdue first, then by due date), then
 * the settled ones, the latest settled first: what is left off a full
 * page is the oldest settled. */
function sheetOrder(list: Commitment[]): Commitment[] {
  const due = (c: Commitment) => c.dueOn ?? '9999'
  const open = list.filter((c) => c.status === 'OPEN').sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a).localeCompare(due(b)))
  const settled = list.filter((c) => c.status !== 'OPEN').sort((a, b) => (b.settledOn ?? '').localeCompare(a.settledOn ?? ''))
  return [...open, ...settled]
}

/** ScorecardSheet is the scorecard as one A4 page: the figures, then
 * every commitment with what was promised, when, its due date, its status
 * and its dated follow-up. */
export function ScorecardSheet({ id }: { id: string }) {
  const app = useApp()
  const [data, problem] = useQuery<Card>(
    `query Sheet($id: ID!) { stakeholder(id: $id) { name ${figureFields}
      commitments(first: 100, orderBy: NEWEST) { totalCount edges { node { ${fields} ${updateFields} } } } } }`, { id }, [id], app)
  const s = data?.stakeholder
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!s) return <p class="loading">…</p>
  const list = sheetOrder(s.commitments.edges.map((e) => e.node)) as (Commitment & { history: Update[] })[]
  return (
    <>
      <div class="sheet-tools">
        <p><a href={`#/scorecard/${id}`}>{t('sheet.back')}</a></p>
        <p class="help">{t('sheet.help')}</p>
        <button type="button" class="primary" onClick={() => print()}>{t('sheet.print')}</button>
      </div>
      <Sheet name={s.name} figures={s.commitmentFigures} list={list} total={s.commitments.totalCount ?? list.length} />
    </>
  )
}

/** Fit is the sheet's type size (pt) and how many commitments it holds. */
interface Fit {
  size: number
  shown: number
}

// The sheet starts at a legible size and shrinks to fit its page; at the
// smallest size still legible on paper, it leaves off the oldest settled
// commitments and says how many.
const largest = 9.5
const smallest = 6.5

/** useFit measures the sheet after each render and shrinks it until its
 * content fits the page: the page's own box, so the screen and the print
 * lay it out alike. */
function useFit(rows: number) {
  const page = useRef<HTMLElement>(null)
  const content = useRef<HTMLDivElement>(null)
  const [fit, setFit] = useState<Fit>({ size: largest, shown: rows })
  useLayoutEffect(() => {
    const sheet = page.current
    if (!sheet || !content.current) return
    // measured at its own size; then zoomed out to the screen's width
    sheet.style.setProperty('--preview', '1')
    const box = sheet.getBoundingClientRect()
    const used = content.current.getBoundingClientRect()
    const width = sheet.parentElement?.clientWidth ?? box.width // the frame's, which has no padding
    sheet.style.setProperty('--preview', String(Math.min(1, width / box.width)))
    if (box.height === 0) return
    // the page's height less its margins (12 mm of 297 at the top and
    // bottom), with a little slack for the print's own rounding
    const room = box.height * (273 / 297) * 0.98
    if (used.height <= room) return
    if (fit.size > smallest) setFit({ ...fit, size: fit.size - 0.25 })
    else if (fit.shown > 0) setFit({ ...fit, shown: fit.shown - 1 })
  })
  return { page, content, fit }
}

function Sheet({ name, figures, list, total }: { name: string; figures: Figures; list: (Commitment & { history: Update[] })[]; total: number }) {
  const app = useApp()
  const ref = app.reference
  const lang = language()
  const { page, content, fit } = useFit(list.length)
  const shown = list.slice(0, fit.shown)
  const left = total - shown.length
  return (
    <div class="sheet-frame">
    <article class="sheet" ref={page} lang={lang} style={{ fontSize: `${fit.size}pt` }}>
      <div ref={content}>
        <h1>{t('scorecard.title', { name })}</h1>
        <p class="help">{t('scorecard.printed', { date: day(new Date().toISOString()) })}</p>
        <FigureBlock f={figures} />
        {list.length === 0 ? <p>{t('sheet.none')}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('sheet.commitment')}</th><th scope="col">{t('sheet.made')}</th><th scope="col">{t('scorecard.due')}</th>
                <th scope="col">{t('board.status')}</th><th scope="col">{t('sheet.followUp')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id}>
                  <td>{c.text}{c.space && <div class="help">{c.space.name}</div>}</td>
                  <td class="date">{shortDay(c.madeOn)}</td>
                  <td><span class="date">{c.dueOn ? shortDay(c.dueOn) : '—'}</span>{c.overdue && <strong class="late">{t('board.overdue')}</strong>}</td>
                  <td class={'status-' + statusClass(c)}>{statusOf(ref, lang, c)}{c.settledOn && <div>{shortDay(c.settledOn)}</div>}</td>
                  <td>
                    {c.history.length === 0 ? '—' : (
                      <ul>
                        {c.history.map((h, i) => <li key={i}><span class="date">{shortDay(h.on)}</span> {updateSaid(ref, lang, h, true)}</li>)}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {left > 0 && <p class="help">{t('sheet.left', { n: count(left) })}</p>}
      </div>
    </article>
    </div>
  )
}

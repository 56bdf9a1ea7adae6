import { label, type Reference } from './data'
import type { Language } from './i18n'

// A commitment's status as a person reads it, and the class that colours
// it: an open one reads as its latest progress report.

interface Commitment {
  status: string
  progress: string | null
  overdue: boolean
}

/** statusOf is a commitment's status as its follow-up left it: an open
 * one reads as its latest progress report ("À risque"), when it has one. */
export function statusOf(ref: Reference | undefined, lang: Language, c: Pick<Commitment, 'status' | 'progress'>): string {
  return c.status === 'OPEN' && c.progress ? label(ref, lang, 'ProgressStatus', c.progress) : label(ref, lang, 'CommitmentStatus', c.status)
}

export function statusClass(c: Pick<Commitment, 'status' | 'progress' | 'overdue'>): string {
  if (c.status !== 'OPEN') return c.status.toLowerCase()
  return c.overdue || c.progress === 'AT_RISK' || c.progress === 'STALLED' ? 'at-risk' : 'open'
}

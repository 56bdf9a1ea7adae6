import type { ApiError } from './api'
import { serverMessage } from './forms'
import { t } from './i18n'

// What the device knows of the server's rules for inclusion views, to
// name a request the server would refuse before sending it, and to tell
// a refusal in the reader's language with what to change.

/** maxBuckets is the most buckets a view may have (the server's MaxRows). */
export const maxBuckets = 120

/** buckets counts a range's months or quarters, both ends included, as
 * the server does (0 for a range that ends before it starts). */
export function buckets(from: string, to: string, bucket: string): number {
  const [fy, fm] = from.split('-').map(Number)
  const [ty, tm] = to.split('-').map(Number)
  if (!fy || !fm || !ty || !tm || to < from) return 0
  if (bucket === 'QUARTER') return ty * 4 + Math.floor((tm - 1) / 3) - (fy * 4 + Math.floor((fm - 1) / 3)) + 1
  return (ty - fy) * 12 + tm - fm + 1
}

/** rangeProblem is the message for a range the server would refuse (an
 * end before its start, or too many buckets), or "" when it fits. */
export function rangeProblem(from: string, to: string, bucket: string): string {
  if (from && to && to < from) return t('dashboard.badDates')
  return buckets(from, to, bucket) > maxBuckets ? t('dashboard.tooManyBuckets', { max: maxBuckets }) : ''
}

/** viewRefusal tells why the server refused a view or its export, by the
 * error's code and field. */
export function viewRefusal(e: ApiError): string {
  if (e.code === 'BAD_USER_INPUT') {
    switch (e.field) {
      case 'query':
        return t('dashboard.tooHeavy')
      case 'bucket':
        return t('dashboard.tooManyBuckets', { max: maxBuckets })
      case 'from':
      case 'to':
        return t('dashboard.badDates')
    }
  }
  return serverMessage(e)
}

/** exportName is an export's file name: the region and the period it
 * covers, so three regions exported in turn are three files a person can
 * tell apart, not palabre-inclusion (1), (2)… */
export function exportName(region: string | undefined, from: string, to: string, format: 'xlsx' | 'csv'): string {
  return ['palabre-inclusion', region, from, to].filter(Boolean).join('_') + '.' + format
}

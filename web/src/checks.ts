// The forms' own checks, made as the person types, before the server's.

export type Headcount = Record<'youngWomen' | 'adultWomen' | 'youngMen' | 'adultMen' | 'withDisabilities' | 'displaced', number>

/** subsetProblems: the disability and displaced counts are among the
 * unregistered, never more than them. */
export function subsetProblems(h: Headcount): Partial<Record<'withDisabilities' | 'displaced', number>> {
  const total = h.youngWomen + h.adultWomen + h.youngMen + h.adultMen
  const out: Partial<Record<'withDisabilities' | 'displaced', number>> = {}
  if (h.withDisabilities > total) out.withDisabilities = total
  if (h.displaced > total) out.displaced = total
  return out
}


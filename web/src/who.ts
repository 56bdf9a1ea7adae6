import type { Session } from './api'
import type { Reference } from './data'
import { language, t, type MessageKey } from './i18n'
import { label } from './data'

// Who did something, as a person reads it: the name the admin gave a
// token ("animatrice-tombouctou"), or, for a token made without one
// ("facilitator-xdm5jh"), its role in words and the token's short mark.

const roles = ['facilitator', 'advocacy', 'analyst', 'admin'] as const
const generated = new RegExp(`^(${roles.join('|')})-([0-9a-z]{6})$`)

export function roleLabel(role: string): string {
  return (roles as readonly string[]).includes(role) ? t(('role.' + role) as MessageKey) : role
}

/** readableSubject is a recordedBy or a token's subject in words. */
export function readableSubject(subject: string): string {
  const m = generated.exec(subject)
  return m ? `${roleLabel(m[1])} (${m[2]})` : subject
}

/** whoIsSignedIn is the header's line: the chosen name if any, the role
 * and the regions. */
export function whoIsSignedIn(s: Session, ref: Reference | undefined): string {
  const regions = s.regions.map((r) => label(ref, language(), 'Region', r)).join(', ')
  const parts = [generated.test(s.subject) ? '' : s.subject, roleLabel(s.role), regions]
  return parts.filter(Boolean).join(' · ')
}

import { createContext } from 'preact'
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { Offline, Revoked, SignedOut, deviceKey, gql, signOut, whoAmI, type Session } from './api'
import type { ServerKey } from './crypto'
import { loadReference, refresh, type Reference } from './data'
import type { Store } from './db'
import { QuickExit } from './exit'
import { pin, pinnedKey } from './serverkey'
import { beginSignOut, endPendingSignOut } from './signout'
import { leave as leaveDevice, wipeDevice } from './wipe'
import { language, setLanguage, t } from './i18n'
import { Outbox, type DrainResult } from './outbox'
import { Lazy } from './lazy'
import { Board, CommitmentPage } from './pages/Commitments'
import { ScorecardPage, ScorecardSheet } from './pages/Scorecard'
import { FixOutcome, NewOutcome, OutcomesList, ReviseOutcome } from './pages/Outcomes'
import { OutcomePage } from './pages/OutcomePage'
import { DialogueView } from './pages/DialogueView'
import { Enrol } from './pages/Enrol'
import { Home } from './pages/Home'
import { LogDialogue } from './pages/LogDialogue'
import { OutboxPage } from './pages/OutboxPage'
import { Import } from './pages/Import'
import { Participants } from './pages/Participants'
import { PinForm } from './pages/Pin'
import { SignIn } from './pages/SignIn'
import { whoIsSignedIn } from './who'

// The app's state, shared by its pages: who is signed in (remembered on
// the device so the app opens offline), the reference data, the outbox,
// the PIN's data key while unlocked, and the server's pinned device key.
export interface AppState {
  db: Store
  session: Session
  reference?: Reference
  outbox: Outbox
  /** The PIN's data key: there whenever a role that writes sees a page. */
  key: CryptoKey | null
  /** The server's device key, pinned: names are sealed to it. */
  serverKey: ServerKey | null
  online: boolean
  lastDrain?: DrainResult
  drain(): Promise<void>
  go(route: string): void
}

export const App = createContext<AppState>(null as never)
export const useApp = () => useContext(App)

function useRoute(): [string, (r: string) => void] {
  const [route, setRoute] = useState(location.hash.slice(1) || '/')
  useEffect(() => {
    const on = () => setRoute(location.hash.slice(1) || '/')
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return [route, (r) => (location.hash = r)]
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine)
  useEffect(() => {
    const on = () => setOnline(navigator.onLine)
    addEventListener('online', on)
    addEventListener('offline', on)
    return () => {
      removeEventListener('online', on)
      removeEventListener('offline', on)
    }
  }, [])
  return online
}

// useRolesPagesCached tells the service worker to cache the pages this
// role opens, and no other's. A new worker (a new version of the app) is
// told again.
function useRolesPagesCached(role: Session['role'] | undefined) {
  useEffect(() => {
    if (!role || !navigator.serviceWorker) return
    const tell = () => void navigator.serviceWorker.ready.then((r) => r.active?.postMessage({ pages: pagesOf(role) }))
    tell()
    navigator.serviceWorker.addEventListener('controllerchange', tell)
    return () => navigator.serviceWorker.removeEventListener('controllerchange', tell)
  }, [role])
}

// TopBar is the app's name, the menu of the role's pages, who is signed
// in, the language, signing out and the quick exit.
function TopBar({ session, reference, route, onToggleLanguage, onLeave }: { session: Session; reference?: Reference; route: string; onToggleLanguage: () => void; onLeave: () => void }) {
  const menu = useRef<HTMLElement>(null)
  useEffect(() => menu.current?.querySelector('[aria-current]')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' }), [route, session])
  const logs = logsDialogues(session.role)
  const tracks = tracksCommitments(session.role)
  // on a phone the menu is one row that scrolls sideways: the page's own
  // link is marked and brought into view so a person sees where they are
  const first = route.split('/')[1] ?? ''
  const here = '/' + (first === 'framework' ? 'frameworks' : first)
  const link = (href: string, label: string) => (
    <a href={'#' + href} aria-current={href === here ? 'page' : undefined}>
      {label}
    </a>
  )
  return (
    <header class="bar">
      <strong>{t('app.name')}</strong>
      <nav aria-label={t('app.name')} ref={menu}>
        {link('/', t('nav.home'))}
        {logs && link('/dialogue', t('nav.logDialogue'))}
        {logs && link('/enrol', t('nav.enrol'))}
        {logs && link('/participants', t('nav.participants'))}
        {logs && link('/import', t('nav.import'))}
        {tracks && link('/commitments', t('nav.commitments'))}
        {session.role !== 'analyst' && link('/outcomes', t('nav.outcomes'))}
        {pagesOf(session.role).includes('dashboard') && link('/dashboard', t('nav.dashboard'))}
        {link('/frameworks', t('nav.frameworks'))}
        {readsDonorReport(session) && link('/report', t('nav.report'))}
        {pagesOf(session.role).includes('admin') && link('/admin', t('nav.admin'))}
        {session.role !== 'analyst' && link('/outbox', t('nav.outbox'))}
      </nav>
      <span class="who">{whoIsSignedIn(session, reference)}</span>
      <button type="button" class="link" onClick={onToggleLanguage}>
        {t('nav.language')}
      </button>
      <button type="button" class="link" onClick={onLeave}>
        {t('nav.signOut')}
      </button>
      <QuickExit />
    </header>
  )
}

// useServerKey is the server's device key, pinned at the first sign-in
// and checked at every one after (checkServerKey): names are sealed to it
// alone. keyChanged is set when the server publishes another.
function useServerKey(db: Store) {
  const [serverKey, setServerKey] = useState<ServerKey | null>(null)
  const [keyChanged, setKeyChanged] = useState<{ was: ServerKey; now: ServerKey }>()
  const checkServerKey = useCallback(async () => {
    const published = await deviceKey()
    if (!published) return
    const pinned = await pin(db, published)
    if ('changed' in pinned) setKeyChanged(pinned.changed)
    else setServerKey(pinned.key)
  }, [db])
  return { serverKey, setServerKey, keyChanged, checkServerKey }
}

// useSessionAtStart is who is signed in: the server when reachable, else
// the device's memory (and the server key it pinned); undefined until
// known, null when nobody is. A sign-out the server has not yet ended is
// ended first; while it cannot be, nobody is signed in (the PIN does not
// open the app of someone who signed out). A session the device has no
// record of (wiped) is ended too.
function useSessionAtStart(db: Store, checkServerKey: () => Promise<void>, setServerKey: (k: ServerKey | null) => void) {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  useEffect(() => {
    ;(async () => {
      try {
        if (!(await endPendingSignOut(db))) return setSession(null)
        const who = await whoAmI()
        if (who && (await db.count('meta')) === 0 && (await db.count('outbox')) === 0) {
          // The server knows a session the device holds nothing of: the
          // device was wiped (a quick exit offline could not end it). It
          // is ended, never resumed by whoever opens the app next. (A
          // device of the first scheme holds its PIN's record, and work.)
          await signOut()
          return setSession(null)
        }
        setSession(who)
        if (who) {
          await db.put('meta', who, 'session')
          await checkServerKey()
        }
      } catch (e) {
        if (e instanceof Revoked) return // the device is being wiped
        if (!(e instanceof Offline)) throw e
        setSession(((await db.get('meta', 'session')) as Session | undefined) ?? null)
        setServerKey((await pinnedKey(db)) ?? null)
      }
    })()
  }, [db])
  return [session, setSession] as const
}

export function Root({ db }: { db: Store }) {
  const [reference, setReference] = useState<Reference>()
  const [key, setKey] = useState<CryptoKey | null>(null)
  const { serverKey, setServerKey, keyChanged, checkServerKey } = useServerKey(db)
  const [session, setSession] = useSessionAtStart(db, checkServerKey, setServerKey)
  const [lastDrain, setLastDrain] = useState<DrainResult>()
  const [, setLang] = useState(language())
  const [route, go] = useRoute()
  const online = useOnline()
  const owner = session?.token
  const outbox = useMemo(() => new Outbox(db, gql, () => key, () => serverKey, () => owner), [db, key, serverKey, owner])
  // Roles that write keep work on the device: the PIN stands before it.
  const ready = !!session && (key !== null || !keepsWork(session.role))

  useEffect(() => {
    if (ready) void loadReference(db, key).then(setReference)
  }, [ready, key])

  const drain = useCallback(async () => {
    const result = await outbox.drain()
    setLastDrain(result)
    if (result.stopped === 'signed-out') setSession(null)
    if (result.sent > 0) {
      await outbox.prune()
      void update()
    }
  }, [outbox])

  const update = useCallback(async () => {
    if (!session) return
    try {
      setReference(await refresh(db, session.regions, session.role, key))
    } catch (e) {
      if (e instanceof SignedOut) setSession(null)
      else if (!(e instanceof Offline)) throw e
    }
  }, [db, session, key])

  useRolesPagesCached(session?.role)
  // A sign-out made offline is ended on the server as soon as it is back.
  useEffect(() => {
    if (online && session === null) void endPendingSignOut(db)
  }, [online, session])

  useEffect(() => {
    if (ready && online && !keyChanged) {
      void update()
      void drain()
    }
  }, [ready, online, key, keyChanged, serverKey])

  if (session === undefined) return <p class="loading">…</p>
  if (keyChanged) return <ServerKeyChanged {...keyChanged} />
  if (session === null) {
    return (
      <SignIn
        online={online}
        outbox={outbox}
        beforeSignIn={() => endPendingSignOut(db)}
        onSignedIn={async (s) => {
          await db.put('meta', s, 'session')
          await checkServerKey()
          setSession(s)
        }}
      />
    )
  }
  if (!ready) return <PinForm db={db} onKey={setKey} onLockout={() => void wipeDevice(signOut).then(leaveDevice)} />
  const state: AppState = { db, session, reference, outbox, key, serverKey, online, lastDrain, drain, go }
  const toggleLanguage = () => {
    setLanguage(language() === 'fr' ? 'en' : 'fr')
    setLang(language())
  }
  // Signing out is never lost: offline, the server ends the session at the
  // first moment the app is online (signout.ts).
  const leave = async () => {
    await beginSignOut(db)
    setKey(null)
    setReference(undefined)
    setSession(null)
  }
  return (
    <App.Provider value={state}>
      <TopBar session={session} reference={reference} route={route} onToggleLanguage={toggleLanguage} onLeave={leave} />
      {!online && (
        <p class="offline" role="status">
          {t('status.offline')}
        </p>
      )}
      <main>{page(route, session.role)}</main>
    </App.Provider>
  )
}

/** keepsWork: the role keeps work on the device (the outbox), behind a PIN. */
function keepsWork(role: Session['role']): boolean {
  return role !== 'analyst'
}

/** ServerKeyChanged stands before everything when the server presents
 * another key than the one pinned: nothing is sealed or sent. */
function ServerKeyChanged({ was, now }: { was: ServerKey; now: ServerKey }) {
  return (
    <main>
      <section class="card" role="alert" aria-labelledby="server-key-title">
        <h1 id="server-key-title">{t('serverKey.title')}</h1>
        <p>{t('serverKey.body', { was: was.id, now: now.id })}</p>
      </section>
      <QuickExit />
    </main>
  )
}

/** logsDialogues: the role logs dialogues and enrols people (the field's work). */
export function logsDialogues(role: Session['role']): boolean {
  return role === 'facilitator' || role === 'admin'
}

/** tracksCommitments: the role follows commitments, their outcomes and scorecards. */
export function tracksCommitments(role: Session['role']): boolean {
  return role === 'advocacy' || role === 'admin'
}

/** pagesOf are the pages loaded on demand that a role opens, by their
 * module's name (see vite.config.ts: the service worker caches those, and
 * no other role's). */
export function pagesOf(role: Session['role']): string[] {
  // every role reads the results frameworks; the donor report covers every
  // region, which a facilitator's token may not read
  return {
    facilitator: ['dashboard', 'frameworks'], advocacy: ['frameworks', 'donorreport'], analyst: ['dashboard', 'frameworks', 'donorreport'],
    admin: ['dashboard', 'admin', 'erasure', 'frameworks', 'donorreport'],
  }[role]
}

/** readsDonorReport: the session is offered the donor report, which covers
 * every region, so a token held to some regions is not. */
export function readsDonorReport(session: Session): boolean {
  return pagesOf(session.role).includes('donorreport') && session.regions.length === 0
}

const loadDashboard = () => import('./pages/Dashboard')
const loadAdmin = () => import('./pages/Admin')
const loadErasure = () => import('./pages/Erasure')
const loadFrameworks = () => import('./pages/Frameworks')
const loadDonorReport = () => import('./pages/DonorReport')
const loadAdminParticipants = () => import('./pages/Erasure').then((m) => ({ default: m.AdminParticipants }))

// page is the route's page for a role; a role's home is where its work is.
function page(route: string, role: Session['role']) {
  const [, first = '', second, third] = route.split('/')
  const writes = logsDialogues(role)
  const tracks = tracksCommitments(role)
  const fix = second ? Number(second) : undefined
  switch (true) {
    case writes && first === 'dialogue':
      return <LogDialogue fix={fix} />
    case writes && first === 'enrol':
      return <Enrol fix={fix} />
    case writes && first === 'import':
      return <Import />
    case role === 'admin' && first === 'participants':
      return <Lazy load={loadAdminParticipants} props={{}} />
    case role === 'admin' && first === 'erase':
      return <Lazy load={loadErasure} props={{ code: second ? decodeURIComponent(second) : undefined }} />
    case writes && first === 'participants':
      return <Participants />
    case writes && first === 'participant' && !!second:
      return <Enrol correct={second} />
    case writes && first === 'view' && !!second:
      return <DialogueView id={second!} />
    case first === 'outbox':
      return <OutboxPage />
    case tracks && first === 'commitments':
      return <Board />
    case tracks && first === 'commitment' && !!second:
      return <CommitmentPage id={second!} />
    case role !== 'analyst' && first === 'outcomes':
      return <OutcomesList />
    case role !== 'analyst' && first === 'outcome' && second === 'fix' && !!third:
      return <FixOutcome seq={Number(third)} />
    case role !== 'analyst' && first === 'outcome' && second === 'new':
      return <NewOutcome from={third} />
    case role !== 'analyst' && first === 'outcome' && !!second && third === 'edit':
      return <ReviseOutcome id={second!} />
    case role !== 'analyst' && first === 'outcome' && !!second:
      return <OutcomePage id={second!} />
    case tracks && first === 'scorecard' && !!second && third === 'print':
      return <ScorecardSheet id={second!} />
    case tracks && first === 'scorecard' && !!second:
      return <ScorecardPage id={second!} />
    case first === 'frameworks' || first === 'framework':
      return <Lazy load={loadFrameworks} props={{ path: first === 'framework' ? route.split('/').slice(2) : [] }} />
    case pagesOf(role).includes('donorreport') && first === 'report':
      return <Lazy load={loadDonorReport} props={{ id: second }} />
    case pagesOf(role).includes('dashboard') && first === 'dashboard':
      return <Lazy load={loadDashboard} props={{}} />
    case pagesOf(role).includes('admin') && first === 'admin':
      return <Lazy load={loadAdmin} props={{}} />
    case role === 'analyst':
      return <Lazy load={loadDashboard} props={{}} />
    case role === 'advocacy':
      return <Board />
  }
  return <Home />
}

import { render } from 'preact'
import { whenRevoked } from './api'
import { Root } from './app'
import { openStore } from './db'
import { language } from './i18n'
import './styles.css'
import { leave, wipeDevice } from './wipe'

document.documentElement.lang = language()

// A revoked token: whatever it left on this device goes.
whenRevoked(async () => {
  await wipeDevice()
  leave()
})

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js')
}

void openStore().then((db) => render(<Root db={db} />, document.getElementById('app')!))

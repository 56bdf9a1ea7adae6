import { render } from 'preact'
import { Root } from './app'
import { openStore } from './db'
import { language } from './i18n'
import './styles.css'

document.documentElement.lang = language()

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js')
}

void openStore().then((db) => render(<Root db={db} />, document.getElementById('app')!))

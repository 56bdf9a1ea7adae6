// Package csvcell is how a text reaches a cell of a CSV file palabre
// writes (the exports, the observatory's open data): never as a formula a
// spreadsheet would run.
package csvcell

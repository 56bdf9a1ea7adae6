// Package importstest makes exports for tests and benchmarks of imports:
// files shaped as the servers write them, made in the test rather than
// committed (a benchmark's 10,000 submissions are a 6 MB workbook).
package importstest

// Package integration holds tests against real parts that a unit test
// cannot have: KurrentDB in a container (or a server named by
// PALABRE_KURRENTDB_URL), and later the built binary over HTTP. Tests skip
// with a reason where their server cannot be had.
package integration

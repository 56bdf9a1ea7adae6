// Package reporttest is a small log whose every figure is counted by hand,
// with a results framework over it: the fixture the donor report's tests
// share (the read service's and the IATI writer's). It is a regular
// package so that both can import it; only tests do.
package reporttest

package access

import (
	"context"
	"testing"
)

// MustList is every token, or the test's end.
func MustList(t testing.TB, tokens *Tokens) []Token {
	t.Helper()
	list, err := tokens.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

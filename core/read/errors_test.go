package read_test

import (
	"errors"
	"testing"

	"github.com/palabre/palabre/core/read"
)

// An error made once for every reader (not found, a timeout, an internal
// error) or by BadInput is said by a door in its reader's language.
func TestAnErrorMadeForEveryReaderIsSaidInTheirLanguage(t *testing.T) {
	for _, e := range []*read.Error{read.ErrNotFound, read.ErrTimeout, read.ErrInternal} {
		if e.In("en") != e.Message || e.In("fr") == e.Message || e.In("fr") == "" {
			t.Errorf("%s: In(en) %q, In(fr) %q, want English as written and French", e.Code, e.In("en"), e.In("fr"))
		}
	}
	var first *read.Error
	errors.As(read.BadInput("first", "must be between 0 and %d, not %d", 100, 1000), &first)
	if got, want := first.In("fr"), "doit être entre 0 et 100, pas 1000"; got != want {
		t.Errorf("BadInput in French: %q, want %q", got, want)
	}
	if got, want := first.In("en"), "must be between 0 and 100, not 1000"; got != want {
		t.Errorf("BadInput in English: %q, want %q", got, want)
	}
}

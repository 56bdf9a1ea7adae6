package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// TestDateUnmarshalMatchesTimeParse: the fast path of UnmarshalText gives
// what time.Parse gives, for every day of two centuries and for malformed
// and out-of-range inputs.
func TestDateUnmarshalMatchesTimeParse(t *testing.T) {
	inputs := []string{"2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "9999-12-31",
		"2024-1-01", "2024-01-1x", "+024-01-01", "2024/01/01", "20240101", " 2024-01-01", "2024-01-00"}
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		inputs = append(inputs, d.Format(time.DateOnly))
	}
	for _, in := range inputs {
		var got domain.Date
		err := got.UnmarshalText([]byte(in))
		want, wantErr := domain.ParseDate(in)
		if (err != nil) != (wantErr != nil) || got != want {
			t.Fatalf("%q: got %v (%v), time.Parse gives %v (%v)", in, got, err, want, wantErr)
		}
	}
}

// A text's limit is in characters, as its refusal says and as the web app
// counts them: a note in French, or in Tamasheq written in Tifinagh, is
// not refused at half or a third of its length because its letters take
// two or three bytes.
func TestATextsLimitCountsCharactersNotBytes(t *testing.T) {
	for _, c := range []struct {
		letter string
		n      int
		ok     bool
	}{
		{"é", 2000, true}, {"ⵜ", 2000, true}, {"a", 2000, true},
		{"é", 2001, false}, {"ⵜ", 2001, false},
	} {
		var p domain.Problems
		domain.Text(&p, "note", strings.Repeat(c.letter, c.n), false, 2000)
		if refused := len(p) > 0; refused == c.ok {
			t.Errorf("%d × %q against a limit of 2,000 characters: refused %v (%v)", c.n, c.letter, refused, p)
		}
	}
}

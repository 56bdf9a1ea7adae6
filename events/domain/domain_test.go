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

// A required text with no character a reader can see is empty: spaces of
// every kind, zero-width and format characters, the braille blank.
func TestARequiredTextOfInvisibleCharactersIsEmpty(t *testing.T) {
	for _, blank := range []string{"", "   ", "\u200b", "\u2800", "\ufeff", "\u00a0\u3000", "\u200b\u200c\u200d\u2060", "\u00ad", "\u3164", " \u200b \ufeff "} {
		for _, check := range []func(*domain.Problems, string, string, bool, int){domain.Text, domain.Note} {
			var p domain.Problems
			check(&p, "name", blank, true, 200)
			if len(p) != 1 || p[0].Field != "name" || p[0].Template != "is required" {
				t.Errorf("%+q: %v, want name: is required", blank, p)
			}
		}
	}
	for _, seen := range []string{"a", "\u200bGao", "ⵜ", "𞤀𞤣𞤤𞤢𞤥", "😀", "-"} {
		var p domain.Problems
		domain.Text(&p, "name", seen, true, 200)
		if len(p) != 0 {
			t.Errorf("%+q: refused %v", seen, p)
		}
	}
}

// Control characters are refused, naming the field: a one-line text takes
// no line break or tab either; a note (several lines) takes line breaks
// (LF or CRLF) and tabs, and no other control character.
func TestControlCharactersAreRefusedAndNotesKeepTheirLines(t *testing.T) {
	for _, c := range []struct {
		value      string
		line, note bool // accepted as a one-line text, as a note
	}{
		{"plain", true, true},
		{"two\nlines", false, true},
		{"two\r\nlines", false, true},
		{"a\ttab", false, true},
		{"bell\a", false, false},
		{"nul\x00", false, false},
		{"lone\rreturn", false, false},
		{"escape\x1b[31m", false, false},
		{"delete\x7f", false, false},
		{"c1\u0085", false, false},
		{"c1\u009b", false, false},
	} {
		for _, k := range []struct {
			name  string
			check func(*domain.Problems, string, string, bool, int)
			ok    bool
		}{{"Text", domain.Text, c.line}, {"Note", domain.Note, c.note}} {
			var p domain.Problems
			k.check(&p, "summary", c.value, false, 200)
			switch {
			case k.ok && len(p) > 0:
				t.Errorf("%s(%+q): refused %v", k.name, c.value, p)
			case !k.ok && (len(p) != 1 || p[0].Field != "summary"):
				t.Errorf("%s(%+q): %v, want one refusal of summary", k.name, c.value, p)
			case !k.ok && !domain.HasFrench(p[0].Template):
				t.Errorf("%s(%+q): %q has no French", k.name, c.value, p[0].Template)
			}
		}
	}
}

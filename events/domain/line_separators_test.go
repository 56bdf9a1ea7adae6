package domain

import "testing"

// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are line breaks
// (Unicode categories Zl and Zp): a one-line text refuses them as it
// refuses "\n". Found by the attack session: a space's name, a dialogue's
// title, topics, language and a facilitator's subject took them through
// GraphQL, and the register import kept them.
func TestAttackOneLineTextRefusesUnicodeLineSeparators(t *testing.T) {
	for _, value := range []string{"ab\u2028cd", "ab\u2029cd"} {
		var p Problems
		checkCharacters(&p, "title", value, false)
		if len(p) == 0 {
			t.Errorf("%q: accepted in a one-line text, want refused as a line break", value)
		}
	}
}

// A business date before EarliestDate is refused: a dialogue typed 1949
// for 2049, or 1925 for 2025, made every open-ended monthly view refuse
// itself for its 900 rows, for every reader. Found by the attack session
// of 2026-12-04.
func TestADateBeforeTheEarliestKeptIsRefused(t *testing.T) {
	env := Env{Today: NewDate(2026, 12, 4)}
	for d, refused := range map[Date]bool{NewDate(1949, 12, 31): true, NewDate(1925, 6, 1): true, EarliestDate: false, NewDate(2025, 6, 1): false} {
		var p Problems
		CheckDate(&p, "heldOn", d, true, env)
		if (len(p) > 0) != refused {
			t.Errorf("%s: problems %v, want refused %v", d, p, refused)
		}
	}
}

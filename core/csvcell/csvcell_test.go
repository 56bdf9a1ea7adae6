package csvcell

import "testing"

func TestATextThatWouldRunAsAFormulaIsWrittenAsText(t *testing.T) {
	for in, want := range map[string]string{
		"Gao":                    "Gao",
		"=HYPERLINK(\"x\")":      "'=HYPERLINK(\"x\")",
		" +1":                    " '+1",
		"a;@SUM(A1)":             "a;'@SUM(A1)",
		"a, -Mopti":              "a, '-Mopti",
		"44,2 % des engagements": "44,2 % des engagements",
		"\t=1+2":                 "'\t'=1+2",
		"\r=1+2":                 "'\r=1+2",
		"- un\n- deux":           "'- un\n- deux",
		"-2+3":                   "'-2+3",
		"@SUM(1)":                "'@SUM(1)",
		"+33 6 12":               "'+33 6 12",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// A text written quoted (it holds a line break or a quote) is one cell
// for every spreadsheet: a trigger inside it begins no cell, so a list
// of bullets keeps its dashes.
func TestATriggerInsideAQuotedCellIsLeftAsWritten(t *testing.T) {
	for in, want := range map[string]string{
		"ligne\n-2":                   "ligne\n-2",
		"ligne\r\n+1":                 "ligne\r\n+1",
		"Engagements :\n- un\n- deux": "Engagements :\n- un\n- deux",
		"a;=1\nb":                     "a;=1\nb",
		`Réunion;"=1+2"`:              `Réunion;"=1+2"`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

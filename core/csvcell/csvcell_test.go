package csvcell

import "testing"

func TestATextThatWouldRunAsAFormulaIsWrittenAsText(t *testing.T) {
	for in, want := range map[string]string{
		"Gao":                    "Gao",
		"=HYPERLINK(\"x\")":      "'=HYPERLINK(\"x\")",
		" +1":                    " '+1",
		"a;@SUM(A1)":             "a;'@SUM(A1)",
		"ligne\n-2":              "ligne\n'-2",
		"44,2 % des engagements": "44,2 % des engagements",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

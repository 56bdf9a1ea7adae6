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
		"\t=1+2":                 "'\t'=1+2",
		"\r=1+2":                 "'\r'=1+2",
		"ligne\r\n+1":            "ligne\r\n'+1",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

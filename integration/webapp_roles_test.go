package integration

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A share as French writes it: a decimal comma, a (narrow) space before
// the sign.
var frenchShare = regexp.MustCompile(`\d,\d[\s\x{00A0}\x{202F}]%`)

// checkAnalyst reads what the analyst saw on a 360 px phone: the
// dashboard of every region over 12 months by month, every column of a
// space on screen, shares the French way, legible chart labels, an
// export made (it was refused with HTTP 400 and a console error before
// the cost model priced real work), and refusals told on the page.
func checkAnalyst(t *testing.T, ana webappStep) {
	t.Helper()
	if ana.Region != "Toutes les régions" || len(ana.Rows) != 1 || !strings.Contains(ana.Rows[0], "Comité consultatif de sécurité de Gao") ||
		len(ana.Withheld) == 0 || ana.Withheld[0] != "< 5" {
		t.Errorf("the analyst's dashboard: region %q, rows %q, withheld %q", ana.Region, ana.Rows, ana.Withheld)
	}
	if !frenchShare.MatchString(ana.Total) || strings.Contains(ana.Total, ".") {
		t.Errorf("the table's total %q: shares are written 44,2 %%", ana.Total)
	}
	if ana.Width > 360 || ana.Columns != 5 || ana.ColumnsOnScreen != ana.Columns {
		t.Errorf("at 360 px the page is %d px wide and shows %d of a space's %d figures", ana.Width, ana.ColumnsOnScreen, ana.Columns)
	}
	if len(ana.BarLabels) != 1 || ana.BarLabels[0].Text != "Comité consultatif de sécurité de Gao" || ana.BarLabels[0].Size < 12 || ana.TrendLabel < 9 {
		t.Errorf("the charts' labels: bars %+v, the trend's %.1f px high", ana.BarLabels, ana.TrendLabel)
	}
	if ana.ExportProblem != 0 || ana.Download != "palabre-inclusion.xlsx" {
		t.Errorf("the export of every region by month: %q, a problem shown: %d", ana.Download, ana.ExportProblem)
	}
	if !strings.Contains(ana.TooMany, "au plus 120") || !strings.Contains(ana.ViewRefused, "1950") || ana.TablesShown != 0 {
		t.Errorf("refusals on the page: %q, %q, with %d tables of other filters still shown", ana.TooMany, ana.ViewRefused, ana.TablesShown)
	}
	b, err := os.ReadFile(ana.Saved)
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the dashboard's export is no workbook: %v", err)
	}
	about, _ := book.GetRows("À propos")
	var said []string
	for _, line := range about {
		said = append(said, strings.Join(line, " "))
	}
	for _, want := range []string{"Par mois", "Une ligne par espace", "Chaque groupe : son total sur la période"} {
		if !slices.Contains(said, want) {
			t.Errorf("the sheet about the export says %q, not %q", said, want)
		}
	}
	if data, _ := book.GetRows("Données"); len(data) < 3 || data[1][0] != "Comité consultatif de sécurité de Gao" || data[1][1] != "Total" {
		t.Errorf("the export's data: %q", data)
	}
}

// checkErasure reads what the admin saw erasing GAO-0102 by code on a
// phone, and asks the server whether it is done: online, with the
// admin's token presented again, never queued, the token kept nowhere.
func checkErasure(t *testing.T, s *server, admin string, er webappStep) {
	t.Helper()
	if !slices.Contains(er.Codes, "GAO-0102") || !strings.Contains(er.Facts, "GAO-0102") || !strings.Contains(er.Facts, "Gao") ||
		!strings.Contains(er.Facts, "Dialogues suivis\n1") || !strings.Contains(er.Facts, "Inscrit·e le") {
		t.Errorf("the admin's participants %q, and what will be erased: %q", er.Codes, er.Facts)
	}
	if !strings.Contains(er.WrongToken, "pas valide") || er.TokenKept != "" || !strings.Contains(er.Done, "GAO-0102 est effacé·e") {
		t.Errorf("a wrong token: %q (field left with %q); then: %q", er.WrongToken, er.TokenKept, er.Done)
	}
	if er.TokenStored || er.Queued {
		t.Errorf("the browser keeps the admin's token: %v; an erasure in the outbox: %v", er.TokenStored, er.Queued)
	}
	if er.AdminWidth > 360 || er.EraseWidth > 360 {
		t.Errorf("on a 360 px phone the admin page is %d px wide, the erasure %d", er.AdminWidth, er.EraseWidth)
	}
	p := s.must(admin, `{ participants(code: "GAO-0102") { edges { node { erased identity { name } } } } }`, nil)
	if node := pick(p, "participants", "edges"); len(node.([]any)) != 1 || pick(node.([]any)[0], "node", "erased") != true || pick(node.([]any)[0], "node", "identity") != nil {
		t.Errorf("the server after the erasure: %v", p)
	}
}

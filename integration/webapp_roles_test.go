package integration

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
// checkRevoke: the token just made is revoked by its named button, and
// the device signed in with it is wiped and leaves for a blank page.
func checkRevoke(t *testing.T, rev webappStep) {
	t.Helper()
	if !strings.Contains(rev.Listed, "Révoqué") || rev.Refused != "about:blank" {
		t.Errorf("a revoked token: row %q; its device, wiped, is at %q", rev.Listed, rev.Refused)
	}
}

func checkAnalyst(t *testing.T, ana webappStep) {
	t.Helper()
	if e := ana.EmptyRegion; !strings.Contains(e, "Aucune présence") || strings.Contains(e, "0,0") {
		t.Errorf("a region without a dialogue reads %q", e)
	}
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
	if ana.ExportProblem != 0 || !strings.HasPrefix(ana.Download, "palabre-inclusion_") || !strings.HasSuffix(ana.Download, "_"+time.Now().UTC().Format(time.DateOnly)+".xlsx") {
		t.Errorf("the export of every region by month: %q, a problem shown: %d", ana.Download, ana.ExportProblem)
	}
	if !strings.Contains(ana.TooMany, "au plus 120") || !strings.Contains(ana.ViewRefused, "1950") || ana.TablesShown != 0 {
		t.Errorf("refusals on the page: %q, %q, with %d tables of other filters still shown", ana.TooMany, ana.ViewRefused, ana.TablesShown)
	}
	// Each space's total, then the selection by month; for one region,
	// every space by month.
	for _, c := range []struct{ path, rows, firstRow string }{
		{ana.Saved, "Chaque groupe : son total sur la période", "Total"},
		{ana.SavedDetail, "Chaque groupe : chaque période et son total", "2026-01-01"},
	} {
		said, data := readExport(t, c.path)
		for _, want := range []string{"Par mois", "Une ligne par espace", c.rows} {
			if !slices.Contains(said, want) {
				t.Errorf("%s: the sheet about the export says %q, not %q", c.path, said, want)
			}
		}
		if len(data) < 3 || data[1][0] != "Comité consultatif de sécurité de Gao" || !strings.HasPrefix(data[1][1], c.firstRow) && data[1][1] != "01-01-26" {
			t.Errorf("%s: the export's data begins %q", c.path, data[:min(len(data), 3)])
		}
	}
}

// readExport reads an XLSX export: its sheet about the export, a line a
// string, and its data.
func readExport(t *testing.T, path string) (about []string, data [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is no workbook: %v", path, err)
	}
	lines, _ := book.GetRows("À propos")
	for _, line := range lines {
		about = append(about, strings.Join(line, " "))
	}
	data, _ = book.GetRows("Données")
	return about, data
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

package imports

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// RegisterByKind finds a register's template: participants, stakeholders
// or spaces.
func RegisterByKind(kind string) (Register, bool) {
	for _, reg := range Registers {
		if reg.Kind == kind {
			return reg, true
		}
	}
	return Register{}, false
}

// Template writes a register's template as a workbook: its sheet with
// the columns to fill, and a notes sheet saying what goes in each, in
// French and English.
func (reg Register) Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", reg.Kind); err != nil {
		return nil, err
	}
	notes := "notes"
	if _, err := f.NewSheet(notes); err != nil {
		return nil, err
	}
	heads := make([]any, len(reg.Columns))
	lines := [][]any{{"colonne / column", "obligatoire / required", "français", "English"}}
	for i, c := range reg.Columns {
		heads[i] = c.Name
		required := "non / no"
		if c.Required {
			required = "oui / yes"
		}
		lines = append(lines, []any{c.Name, required, c.Fr, c.En})
	}
	if err := f.SetSheetRow(reg.Kind, "A1", &heads); err != nil {
		return nil, err
	}
	for i, line := range lines {
		if err := f.SetSheetRow(notes, fmt.Sprintf("A%d", i+1), &line); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

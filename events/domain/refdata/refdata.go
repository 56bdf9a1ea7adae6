// Package refdata is the reference data a deployment configures:
// geography (regions) and the list of excluded groups inclusion figures
// count. They are data, not code: palabre ships Mali's regions after the
// 2023 reorganisation (the District of Bamako and 19 regions) as the
// default, the ten earlier regions for older data, and reads any other
// list from a JSON file of the same shape.
package refdata

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

//go:embed *.json
var builtin embed.FS

// Builtin names the lists shipped with palabre.
const (
	Mali2023    = "mali-2023"
	MaliPre2023 = "mali-pre-2023"
)

// Entry is one region or group: a stable code stored in events, and a
// name people read.
type Entry struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Labels are the name in other languages, by code ("fr", "en").
	Labels map[string]string `json:"labels,omitempty"`
}

// Label is the entry's name in a language, its Name when there is none.
func (e Entry) Label(language string) string {
	if l := e.Labels[language]; l != "" {
		return l
	}
	return e.Name
}

// Data is one deployment's reference data.
type Data struct {
	Name    string  `json:"name"`
	Regions []Entry `json:"regions"`
	Groups  []Entry `json:"groups"`

	regions, groups map[string]Entry
}

var _ domain.Reference = (*Data)(nil)

// Default returns the 2023 list of Mali's regions and the default groups.
func Default() *Data {
	d, err := Builtin(Mali2023)
	if err != nil {
		panic(err) // the embedded file is checked by a test
	}
	return d
}

// Builtin returns a list shipped with palabre by name.
func Builtin(name string) (*Data, error) {
	b, err := builtin.ReadFile(name + ".json")
	if err != nil {
		return nil, fmt.Errorf("reference data %q: no such built-in list (%s or %s)", name, Mali2023, MaliPre2023)
	}
	return Parse(b)
}

// Load reads reference data from a JSON file.
func Load(path string) (*Data, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reference data: %w", err)
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("reference data %s: %w", path, err)
	}
	return d, nil
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Parse reads reference data, reporting every problem at once.
func Parse(b []byte) (*Data, error) {
	var d Data
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	var errs []error
	index := func(list string, entries []Entry) map[string]Entry {
		m := make(map[string]Entry, len(entries))
		for i, e := range entries {
			switch {
			case !codePattern.MatchString(e.Code):
				errs = append(errs, fmt.Errorf("%s[%d].code: %q must be lower-case letters, digits and '-'", list, i, e.Code))
			case e.Name == "":
				errs = append(errs, fmt.Errorf("%s[%d].name: is required", list, i))
			case m[e.Code].Code != "":
				errs = append(errs, fmt.Errorf("%s[%d].code: %q is listed twice", list, i, e.Code))
			}
			m[e.Code] = e
		}
		return m
	}
	d.regions, d.groups = index("regions", d.Regions), index("groups", d.Groups)
	if len(d.Regions) == 0 {
		errs = append(errs, errors.New("regions: at least one is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &d, nil
}

// HasRegion implements domain.Reference.
func (d *Data) HasRegion(code string) bool { _, ok := d.regions[code]; return ok }

// HasGroup implements domain.Reference.
func (d *Data) HasGroup(code string) bool { _, ok := d.groups[code]; return ok }

// Region returns a region by code.
func (d *Data) Region(code string) (Entry, bool) { e, ok := d.regions[code]; return e, ok }

// RegionCode is the code of the region a person named, by its code, its
// name or a label, case and spaces aside ("MOPTI", " mopti ", "district de
// Bamako"); ok is false when the name is no region's.
func (d *Data) RegionCode(name string) (code string, ok bool) {
	if _, ok := d.regions[name]; ok {
		return name, true
	}
	name = strings.Join(strings.Fields(name), " ")
	for _, e := range d.Regions {
		if strings.EqualFold(name, e.Code) || strings.EqualFold(name, e.Name) {
			return e.Code, true
		}
		for _, label := range e.Labels {
			if strings.EqualFold(name, label) {
				return e.Code, true
			}
		}
	}
	return "", false
}

// Group returns an excluded group by code.
func (d *Data) Group(code string) (Entry, bool) { e, ok := d.groups[code]; return e, ok }

package graphql

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/imports"
)

// Imports through the server: POST /import (multipart, the export in the
// "file" part; ?dryRun=true to check only) for those who log dialogues.
// Every command of every row goes through the write policy, bound to the
// importer (core/policy): a facilitator imports into their regions only,
// another region's object is as missing as one that does not exist, and
// attendees are found among the participants they may see. The file is held
// in memory while it is read (never on disk, never kept), within the
// importer's limits (imports.Limits: one place for every door);
// the report holds rows and codes, never a name.

type uploadProblem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

type uploadResult struct {
	Sheet    string          `json:"sheet"`
	Row      int             `json:"row"`
	Outcome  imports.Outcome `json:"outcome"`
	Problems []uploadProblem `json:"problems"`
}

// uploadBeyond counts the refusals of a kind the report does not list.
type uploadBeyond struct {
	Count   int           `json:"count"`
	Example uploadProblem `json:"example"`
}

// uploadStop is the limit that stopped an import between rows (its
// deadline): the rows before it are in the report.
type uploadStop struct {
	Limit   imports.Limit `json:"limit"`
	Message string        `json:"message"`
}

type uploadReport struct {
	File    string                  `json:"file"`
	DryRun  bool                    `json:"dryRun"`
	Counts  map[imports.Outcome]int `json:"counts"`
	Results []uploadResult          `json:"results"`
	Beyond  []uploadBeyond          `json:"beyond"`
	Stopped *uploadStop             `json:"stopped,omitempty"`
}

func (s *Server) serveImport(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		x.fail(http.StatusMethodNotAllowed, refusalIn(readerLanguage(r), CodeBadUserInput, "", "POST the export as multipart/form-data, in the part named file"))
		return
	}
	who, ok := x.admitted(r, policy.Import)
	if !ok {
		return
	}
	// The server's read and write timeouts suit a query, not a 32 MB
	// upload over a field connection and an import of minutes: the
	// import's deadline bounds it instead, with time to send the report.
	deadline := time.Now().Add(s.importer.Limits().Deadline + time.Minute)
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
	language := readerLanguage(r)
	dry, bad := importDryRun(r.URL.Query(), language)
	if bad != nil {
		x.fail(http.StatusBadRequest, bad)
		return
	}
	up, bad := s.readUpload(w, r, language)
	if bad != nil {
		x.fail(http.StatusBadRequest, bad)
		return
	}
	v := read.Viewer{Principal: who, Log: x.log}
	report, err := s.importer.Import(r.Context(), imports.Job{By: cmp.Or(who.TokenID, who.Subject), Name: up.name, Data: up.file, Mapping: up.mapping,
		Directory: s.directory(v), Handler: s.deps.Handler, Send: s.builder.policy.For(who), Options: imports.Options{DryRun: dry}})
	up.file = nil // the file is not kept, nor held while the report is written
	out := uploadReport{File: filepath.Base(up.name), DryRun: dry, Counts: report.Counts, Results: []uploadResult{}, Beyond: []uploadBeyond{}}
	if out.Counts == nil { // stopped before any row
		out.Counts = map[imports.Outcome]int{}
	}
	var limit *imports.LimitError
	var refused *domain.Problems
	switch u, isUnavailable := unavailable(err); {
	case errors.As(err, &limit) && limit.Limit == imports.LimitDeadline:
		out.Stopped = &uploadStop{Limit: limit.Limit, Message: limit.In(language)}
	case errors.As(err, &limit) && limit.Limit == imports.LimitOneAtATime:
		x.fail(http.StatusTooManyRequests, &coded{Code: CodeRateLimited, Field: "file", Message: limit.In(language)})
		return
	case errors.As(err, &limit):
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "file", Message: limit.In(language)})
		return
	case isUnavailable:
		x.log.Warn().Err(err).Msg("an import stopped: the event store is unavailable")
		w.Header().Set("Retry-After", strconv.Itoa(u.RetryAfter))
		x.fail(http.StatusServiceUnavailable, u)
		return
	case errors.Is(err, commands.ErrNoCodeKey):
		x.log.Error().Err(err).Msg("an import cannot be planned")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	case errors.As(err, &refused) && report.Counts == nil: // a file type palabre does not read
		x.fail(http.StatusBadRequest, refusalAt("", *refused, language).(*coded))
		return
	case err != nil && report.Counts == nil: // the file is not an export palabre reads
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "file", Message: err.Error()})
		return
	case err != nil:
		x.log.Error().Err(err).Msg("an import failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	x.log.Info().Str("audit", "import").Str("subject", who.Subject).Str("token", who.TokenID).Bool("dryRun", dry).
		Int("imported", report.Counts[imports.Imported]).Int("refused", report.Counts[imports.Refused]).Msg("audit")
	for _, res := range report.Results {
		u := uploadResult{Sheet: res.Sheet, Row: res.Row, Outcome: res.Outcome, Problems: []uploadProblem{}}
		for _, p := range res.Problems {
			u.Problems = append(u.Problems, uploadProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Message: p.In(language)})
		}
		out.Results = append(out.Results, u)
	}
	for _, b := range report.Beyond {
		p := b.Example
		out.Beyond = append(out.Beyond, uploadBeyond{Count: b.Count, Example: uploadProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Message: p.In(language)}})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// importDryRun reads an import's one parameter, dryRun=true or false: a
// misspelt key or value is refused, for taken as false it would write
// what its sender meant only to check.
func importDryRun(q url.Values, language string) (bool, *coded) {
	dry := false
	for key, values := range q {
		if key != "dryRun" {
			return false, badInputIn(language, key, "%s is not a parameter of an import, which takes dryRun=true to check a file without writing", key)
		}
		for _, v := range values {
			if v != "true" && v != "false" {
				return false, badInputIn(language, "dryRun", "dryRun is true or false, not %q", v)
			}
			dry = dry || v == "true"
		}
	}
	return dry, nil
}

// upload is an import's request: the export and its optional mapping.
type upload struct {
	name    string
	file    []byte
	mapping *imports.Mapping
}

// readUpload streams the request's parts, holding the export once (it is
// read from its end when it is a zip) and never more of it than the
// importer's limit on a file's size: nothing spills to a temporary file.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, language string) (upload, *coded) {
	var up upload
	maxFile := s.importer.Limits().FileBytes
	sendIt := refusalIn(language, CodeBadUserInput, "file", "send the export (.xlsx, .csv or ODK Central's .zip) in the part named file, as multipart/form-data")
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+maxMapping+64<<10)
	parts, err := r.MultipartReader()
	if err != nil {
		return up, sendIt
	}
	var sawFile bool
	for {
		part, err := parts.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return up, &coded{Code: CodeBadUserInput, Field: "file", Message: (&imports.LimitError{Limit: imports.LimitFileBytes, Value: maxFile}).In(language)}
		}
		if err != nil {
			return up, sendIt
		}
		switch part.FormName() {
		case "file":
			sawFile, up.name = true, part.FileName()
			if up.file, err = io.ReadAll(io.LimitReader(part, maxFile+1)); err != nil || int64(len(up.file)) > maxFile {
				return up, &coded{Code: CodeBadUserInput, Field: "file", Message: (&imports.LimitError{Limit: imports.LimitFileBytes, Value: maxFile}).In(language)}
			}
		case "mapping":
			b, err := io.ReadAll(io.LimitReader(part, maxMapping+1))
			if err != nil || len(b) > maxMapping {
				return up, refusalIn(language, CodeBadUserInput, "mapping", "the mapping is at most 1 MB")
			}
			var refused *domain.Problems
			if up.mapping, err = imports.ParseMapping(b); errors.As(err, &refused) {
				return up, refusalAt("", *refused, language).(*coded)
			} else if err != nil {
				return up, &coded{Code: CodeBadUserInput, Field: "mapping", Message: err.Error()}
			}
		}
	}
	if !sawFile {
		return up, sendIt
	}
	return up, nil
}

// maxMapping bounds a mapping file.
const maxMapping = 1 << 20

// directory is what an import's planning looks up for the importer:
// participants by code, and spaces and dialogues among those they may see.
func (s *Server) directory(v read.Viewer) imports.Directory {
	return imports.Directory{Key: s.deps.CodeKey, RegionCode: s.builder.read.RegionCode,
		Codes: func(region, code string) (domain.ID, bool, bool) {
			return s.deps.Participants.ByCode(v.Principal, region, code)
		},
		SpaceRegion: func(id domain.ID) (string, bool) {
			space, err := s.builder.read.Space(v, id)
			return space.Region, err == nil
		},
		Dialogue: func(id domain.ID) (string, bool) {
			return s.builder.read.RegionOf(v, domain.Ref{Category: dialogue.Category, ID: id})
		}}
}

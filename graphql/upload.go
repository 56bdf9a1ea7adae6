package graphql

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
)

// Imports through the server: POST /import (multipart, the export in the
// "file" part; ?dryRun=true to check only) for those who log dialogues.
// Every command of every row goes through the write policy, bound to the
// importer (core/policy): a facilitator imports into their regions only,
// another region's object is as missing as one that does not exist, and
// attendees are found among the participants they may see. The file is read in memory and never kept;
// the report holds rows and codes, never a name.

// maxUpload bounds an export: 10,000 submissions are about 5 MB.
const maxUpload = 32 << 20

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

type uploadReport struct {
	File    string                  `json:"file"`
	DryRun  bool                    `json:"dryRun"`
	Counts  map[imports.Outcome]int `json:"counts"`
	Results []uploadResult          `json:"results"`
}

func (s *Server) serveImport(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		x.fail(http.StatusMethodNotAllowed, &coded{Code: CodeBadUserInput, Message: "POST the export as multipart/form-data, in the part named file"})
		return
	}
	who, err := s.authenticate(r)
	if err != nil {
		x.unauthenticated(err)
		return
	}
	if err := s.builder.policy.Allow(who, policy.Import); err != nil {
		x.forbidden(r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	file, head, err := r.FormFile("file")
	if err != nil {
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "file", Message: "send the export (.xlsx or .csv, at most 32 MB) in the part named file"})
		return
	}
	defer file.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(file); err != nil {
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "file", Message: "the export could not be read whole (at most 32 MB)"})
		return
	}
	mapping, err := mappingPart(r)
	if err != nil {
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "mapping", Message: err.Error()})
		return
	}
	v := read.Viewer{Principal: who, Log: x.log}
	plans, err := imports.Plans(head.Filename, body.Bytes(), s.directory(v), mapping)
	if errors.Is(err, commands.ErrNoCodeKey) {
		x.log.Error().Err(err).Msg("an import cannot be planned")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	if err != nil {
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "file", Message: err.Error()})
		return
	}
	dry := r.URL.Query().Get("dryRun") == "true"
	report, err := imports.Run(r.Context(), s.deps.Handler, s.builder.policy.For(who), plans, imports.Options{DryRun: dry})
	if u, ok := unavailable(err); ok {
		x.log.Warn().Err(err).Msg("an import stopped: the event store is unavailable")
		w.Header().Set("Retry-After", strconv.Itoa(u.RetryAfter))
		x.fail(http.StatusServiceUnavailable, u)
		return
	}
	if err != nil {
		x.log.Error().Err(err).Msg("an import failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	x.log.Info().Str("audit", "import").Str("subject", who.Subject).Str("token", who.TokenID).Bool("dryRun", dry).
		Int("imported", report.Counts[imports.Imported]).Int("refused", report.Counts[imports.Refused]).Msg("audit")
	language := readerLanguage(r)
	out := uploadReport{File: filepath.Base(head.Filename), DryRun: dry, Counts: report.Counts}
	for _, res := range report.Results {
		u := uploadResult{Sheet: res.Sheet, Row: res.Row, Outcome: res.Outcome, Problems: []uploadProblem{}}
		for _, p := range res.Problems {
			u.Problems = append(u.Problems, uploadProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Message: p.In(language)})
		}
		out.Results = append(out.Results, u)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// directory is what an import's planning looks up for the importer:
// participants by code and spaces among those they may see.
func (s *Server) directory(v read.Viewer) imports.Directory {
	return imports.Directory{Key: s.deps.CodeKey,
		Codes: func(region, code string) (domain.ID, bool, bool) {
			return s.deps.Participants.ByCode(v.Principal, region, code)
		},
		SpaceRegion: func(id domain.ID) (string, bool) {
			space, err := s.builder.read.Space(v, id)
			return space.Region, err == nil
		}}
}

// mappingPart reads the optional mapping (YAML or JSON) sent beside the
// export, in the part named mapping.
func mappingPart(r *http.Request) (*imports.Mapping, error) {
	file, _, err := r.FormFile("mapping")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, 1<<20))
	if err != nil {
		return nil, err
	}
	return imports.ParseMapping(b)
}

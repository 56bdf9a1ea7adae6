package graphql

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/forms"
	"github.com/palabre/palabre/events/imports"
)

// The form palabre ships, for KoboToolbox and ODK: GET /form/dialogue.xlsx
// gives it to those who log dialogues, with the spaces and stakeholders
// they may see and the deployment's vocabulary, so that it matches this
// server; the core's read service writes it (read.Service.DialogueForm).

func (s *Server) serveForm(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	who, ok := x.admitted(r, policy.DownloadForm)
	if !ok {
		return
	}
	name, body, err := forms.FormID, []byte(nil), error(nil)
	var empty *domain.Problems
	if kind, ok := strings.CutPrefix(r.URL.Path, "/form/register/"); ok {
		// A register's template: the same for everyone, no data in it.
		reg, found := imports.RegisterByKind(strings.TrimSuffix(kind, ".xlsx"))
		if !found {
			x.fail(http.StatusNotFound, notFoundIn(readerLanguage(r), "the registers are participants, stakeholders and spaces"))
			return
		}
		name = reg.Kind
		body, err = reg.Template()
	} else if body, err = s.builder.read.DialogueForm(read.Viewer{Principal: who, Log: x.log}, s.deploymentGroups(), s.deps.Clock()); errors.As(err, &empty) {
		// A deployment without spaces or stakeholders yet cannot have one.
		refused := refusalAt("", *empty, readerLanguage(r)).(*coded)
		refused.Code = CodeConflict
		x.fail(http.StatusConflict, refused)
		return
	}
	if err != nil {
		x.log.Error().Err(err).Msg("writing a template failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	x.log.Info().Str("audit", "form").Str("subject", who.Subject).Str("form", name).Msg("audit")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

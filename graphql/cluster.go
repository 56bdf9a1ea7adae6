package graphql

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/palabre/palabre/core/policy"
)

// serveCluster reports the replicated log's state (its nodes, each
// stream's leader and replicas) as JSON, for palabre doctor.
func (s *Server) serveCluster(w http.ResponseWriter, r *http.Request) {
	s.serveAdminFile(w, r, policy.ReadServerState, "cluster", "application/json; charset=utf-8", func(ctx context.Context, w io.Writer) error {
		state, err := s.deps.Cluster(ctx)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(state)
	})
}

// serveRemovePeer takes a node lost for good out of the cluster:
// POST /admin/cluster/remove-peer?name=NAME, with an admin's bearer
// token (palabre cluster remove-peer).
func (s *Server) serveRemovePeer(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	who, ok := x.admitted(r, policy.RemovePeer)
	if !ok {
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		x.fail(http.StatusMethodNotAllowed, refusalIn(readerLanguage(r), CodeBadUserInput, "", "use POST"))
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		x.fail(http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "name", "name the node to remove: ?name=NAME"))
		return
	}
	x.log.Info().Str("audit", "remove-peer").Str("node", name).Str("subject", who.Subject).Str("token", who.TokenID).Msg("audit")
	err := s.deps.RemovePeer(r.Context(), name)
	if u, ok := unavailable(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(u.RetryAfter))
		x.fail(http.StatusServiceUnavailable, u)
		return
	}
	if err != nil {
		// The operator's own request (a name of no member, this node
		// itself) or the cluster's refusal: said to the admin who asked.
		x.log.Warn().Err(err).Msg("remove-peer refused")
		x.fail(http.StatusConflict, &coded{Code: CodeConflict, Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"removed": name})
}

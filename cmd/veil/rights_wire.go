package main

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/rights"
)

// openRights builds the data-subject rights service over the privacy components: its endpoints,
// its chat interceptor and its retention sweeper (started by the caller, stopped before the
// audit trail closes).
func (pv *privacy) openRights(cfg *configs.Config, log zerolog.Logger) (*rights.Service, error) {
	return rights.New(cfg.Rights, rights.Deps{
		Store:   pv.store,
		Vault:   pv.vault,
		Consent: pv.consent,
		Auditor: pv.audit,
		Logger:  log,
	})
}

// veilEndpoints serves Veil's own endpoints under /.veil/: the rights endpoints under /.veil/me/,
// consent (and anything else) by the consent handler.
func veilEndpoints(consent, rts http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(proxy.VeilPrefix+"me/", rts)
	mux.Handle("/", consent)
	return mux
}

// registerRightsMetrics exports the request register's gauges (veil_rights_requests_open and
// veil_rights_requests_overdue).
func registerRightsMetrics(reg prometheus.Registerer, rts *rights.Service) error {
	for _, c := range rts.Collectors() {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("registering rights metrics: %w", err)
		}
	}
	return nil
}

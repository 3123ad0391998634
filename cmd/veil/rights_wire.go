package main

import (
	"net/http"

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

package vault

import (
	"encoding/hex"

	"github.com/veil-privacy/veil/store"
)

// ReadsAhead names the records TokenizeAll will read for items of subject, so that a store over a
// network can read them in one round trip with a request's other reads (store.ReadAheader): the
// subject's data key and, when it is cached here, the index records of each value in every
// format it may be tokenized in (the policy has not chosen yet). Formats of items are ignored.
func (v *Vault) ReadsAhead(subject string, items []Item) []store.KindKey {
	if checkSubject(subject) != nil {
		return nil
	}
	ids := []store.KindKey{{Kind: KindKey, Key: dataKeyRecord}}
	dk := v.cache.get(subject)
	if dk == nil {
		return ids
	}
	for _, it := range items {
		for _, f := range []Format{Placeholder, Surrogate} {
			if f.effective(it.Type) != f {
				continue
			}
			format, norm, err := checkValue(it.Type, it.Value, f, 1)
			if err != nil {
				break
			}
			sum := dk.sum(macIndex, it.Type.String(), format.String(), norm)
			ids = append(ids, store.KindKey{Kind: KindIndex, Key: hex.EncodeToString(sum[:])})
		}
	}
	return ids
}

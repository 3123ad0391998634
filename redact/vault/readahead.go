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

// RestorerReadsAhead names the records Restorer reads for subject on a store over a network: the
// data key and every token entry, so that a request can read them with its other reads and the
// reply's restorer needs no round trip of its own. A token the request then creates drops the
// entries read ahead (the store drops what a write under the context touches), and Restorer reads
// them again.
func (v *Vault) RestorerReadsAhead(subject string) []store.KindKey {
	if checkSubject(subject) != nil {
		return nil
	}
	return []store.KindKey{{Kind: KindKey, Key: dataKeyRecord}, {Kind: KindToken}}
}

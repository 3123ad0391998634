package storetest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/veil-privacy/veil/store"
)

// Bench measures the operations on Veil's request path. open returns a new, empty store.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	ctx := context.Background()
	value := make([]byte, 256)
	b.Run("Put", func(b *testing.B) {
		s := open(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r := store.Record{Subject: "subject-" + strconv.Itoa(i%1000), Kind: "vault.token", Key: strconv.Itoa(i), Value: value}
			if err := s.Put(ctx, r); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("PutParallel", func(b *testing.B) {
		s := open(b)
		var n atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(n.Add(1))
				r := store.Record{Subject: "subject-" + strconv.Itoa(i%1000), Kind: "vault.token", Key: strconv.Itoa(i), Value: value}
				if err := s.Put(ctx, r); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Get", func(b *testing.B) {
		s := open(b)
		for i := range 1000 {
			if err := s.Put(ctx, store.Record{Subject: "subject", Kind: "vault.token", Key: strconv.Itoa(i), Value: value}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, "subject", "vault.token", strconv.Itoa(i%1000)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("List20", func(b *testing.B) {
		s := open(b)
		for i := range 20 {
			if err := s.Put(ctx, store.Record{Subject: "subject", Kind: "vault.token", Key: strconv.Itoa(i), Value: value}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			recs, err := s.List(ctx, "subject", "vault.token")
			if err != nil || len(recs) != 20 {
				b.Fatal(len(recs), err)
			}
		}
	})
	b.Run("AppendBatch100", func(b *testing.B) {
		s := open(b)
		batch := make([]map[string]string, 100)
		for i := range batch {
			batch[i] = map[string]string{"type": "request", "route": "chat", "decision": "d-" + strconv.Itoa(i), "findings": "email=1"}
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Append(ctx, "audit", batch...); err != nil {
				b.Fatal(err)
			}
		}
	})
}

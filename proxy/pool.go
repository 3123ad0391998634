package proxy

import "sync"

// bufferPool lends ReverseProxy its 32 KiB copy buffers.
type bufferPool struct{}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte { return *copyBuffers.Get().(*[]byte) }

func (bufferPool) Put(b []byte) { copyBuffers.Put(&b) }

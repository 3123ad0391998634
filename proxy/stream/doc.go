// Package stream extracts and rewrites the text inside chat messages of every shape Veil proxies (JSON, forms, text streams, server-sent events, HTML), whole or as it streams by.
package stream

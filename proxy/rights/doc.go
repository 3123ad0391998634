// Package rights serves data subjects' GDPR rights (access, portability, erasure, rectification) through /.veil/me endpoints and the chat, keeps their request register, and enforces retention.
package rights

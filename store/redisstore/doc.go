// Package redisstore is the shared store backend: Redis standalone, Sentinel or Cluster, with each subject's keys in one hash slot.
package redisstore

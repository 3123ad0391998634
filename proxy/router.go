package proxy

import (
	"sort"
	"strings"
)

// router finds the route whose path prefix is the longest match for a request path. A prefix
// matches a path equal to it, or continuing it at a '/' boundary ("/v1" matches "/v1/x", not "/v10").
type router struct {
	routes []*Route // sorted by decreasing path length
	rm     map[*Route]*routeMetrics
}

func newRouter(rs []Route, m *Metrics) *router {
	rt := &router{rm: make(map[*Route]*routeMetrics, len(rs))}
	for i := range rs {
		r := &rs[i]
		rt.routes = append(rt.routes, r)
		rt.rm[r] = m.forRoute(r)
	}
	rt.rm[&veilRoute] = m.forRoute(&veilRoute)
	sort.SliceStable(rt.routes, func(i, j int) bool { return len(rt.routes[i].Path) > len(rt.routes[j].Path) })
	return rt
}

func (rt *router) match(path string) *Route {
	for _, r := range rt.routes {
		if prefixMatch(path, r.Path) {
			return r
		}
	}
	return nil
}

func prefixMatch(path, prefix string) bool {
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || prefix[len(prefix)-1] == '/' || path[len(prefix)] == '/'
}

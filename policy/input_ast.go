package policy

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// findingTypes are the wire names of redact's types (a test keeps them in step with
// redact.AllTypes); policy does not import redact.
var findingTypes = [...]string{
	"EMAIL", "PHONE", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "NATIONAL_ID", "VAT_ID",
	"PASSPORT", "DRIVING_LICENCE", "DATE_OF_BIRTH", "PERSON", "ADDRESS", "HEALTH",
}

// The input's keys and common values, interned so building the input allocates only what varies.
var (
	keyDirection    = ast.InternedTerm("direction")
	keyRoute        = ast.InternedTerm("route")
	keySubject      = ast.InternedTerm("subject")
	keyFindings     = ast.InternedTerm("findings")
	keyRequest      = ast.InternedTerm("request")
	keyUpstream     = ast.InternedTerm("upstream")
	keyName         = ast.InternedTerm("name")
	keyKind         = ast.InternedTerm("kind")
	keyPurpose      = ast.InternedTerm("purpose")
	keyAllowedTypes = ast.InternedTerm("allowed_types")
	keyID           = ast.InternedTerm("id")
	keyConsent      = ast.InternedTerm("consent")
	keyObjections   = ast.InternedTerm("objections")
	keyNoticeShown  = ast.InternedTerm("notice_shown")
	keyType         = ast.InternedTerm("type")
	keySubtype      = ast.InternedTerm("subtype")
	keyConfidence   = ast.InternedTerm("confidence")
	keyField        = ast.InternedTerm("field")
	keyCount        = ast.InternedTerm("count")
	keyMethod       = ast.InternedTerm("method")
	keyPath         = ast.InternedTerm("path")
	keyContentType  = ast.InternedTerm("content_type")
	keyRegion       = ast.InternedTerm("region")
	keyTransfer     = ast.InternedTerm("transfer_mechanism")
)

func init() {
	// Interning must happen at initialization; these are the strings every input repeats.
	ast.InternStringTerm(
		"direction", "route", "subject", "findings", "request", "upstream", "name", "kind", "purpose",
		"allowed_types", "id", "consent", "objections", "notice_shown", "type", "subtype", "confidence",
		"field", "count", "method", "path", "content_type", "region", "transfer_mechanism",
		string(DirectionRequest), string(DirectionResponse), "chat", "support", "marketing", "profiling", "message",
		"POST", "GET", "application/json", "text/event-stream", "scc", "",
	)
	ast.InternStringTerm(findingTypes[:]...)
	for _, n := range [...]string{
		"allow", "message", "actions", "token_format", "strip_headers", "retention_days", "transcript",
		"show_notice", "reasons",
	} {
		ast.InternStringTerm(n)
	}
}

// str returns an interned term for common strings and a new one otherwise.
func str(s string) *ast.Term { return ast.InternedTerm(s) }

// maxParts bounds each map of a partCache; a full map is cleared.
const maxParts = 4096

// partCache keeps the AST of input parts that repeat across messages: routes, upstreams and
// request metadata come from the configuration, and findings and consent take few distinct
// values. An evaluation then builds only what is new. AST values are immutable during
// evaluation, so one term is safely shared by concurrent evaluations.
type partCache struct {
	mu        sync.RWMutex
	findings  map[Finding]*ast.Term
	requests  map[Request]*ast.Term
	upstreams map[Upstream]*ast.Term
	routes    map[uint64]routePart
	subjects  map[uint64]subjectPart // subjects without id only
}

type routePart struct {
	route Route
	term  *ast.Term
}

type subjectPart struct {
	subject Subject
	term    *ast.Term
}

// astValue builds the policy input directly as an ast.Object, without a JSON round trip, taking
// repeated parts from pc. withID false leaves the subject id out (the loaded policy never reads it).
func (in *Input) astValue(withID bool, pc *partCache) ast.Value {
	var findings [8]*ast.Term
	fs := findings[:0]
	if len(in.Findings) > len(findings) {
		fs = make([]*ast.Term, 0, len(in.Findings))
	}
	routeKey := hashRoute(&in.Route)
	var subjectKey uint64
	if !withID {
		subjectKey = hashSubject(&in.Subject)
	}

	var route, subject, request, upstream *ast.Term
	misses := 0
	pc.mu.RLock()
	if pc.routes != nil {
		if p, ok := pc.routes[routeKey]; ok && equalRoute(&p.route, &in.Route) {
			route = p.term
		}
		if !withID {
			if p, ok := pc.subjects[subjectKey]; ok && equalSubject(&p.subject, &in.Subject) {
				subject = p.term
			}
		}
		request = pc.requests[in.Request]
		upstream = pc.upstreams[in.Upstream]
		for i := range in.Findings {
			fs = append(fs, pc.findings[in.Findings[i]]) // nil when missing
		}
	} else {
		fs = fs[:len(in.Findings)]
	}
	pc.mu.RUnlock()

	if route == nil {
		route = routeTerm(&in.Route)
		misses++
	}
	if subject == nil {
		subject = subjectTerm(&in.Subject, withID)
		if !withID {
			misses++
		}
	}
	if request == nil {
		request = ast.ObjectTerm(
			ast.Item(keyMethod, str(in.Request.Method)),
			ast.Item(keyPath, str(in.Request.Path)),
			ast.Item(keyContentType, str(in.Request.ContentType)),
		)
		misses++
	}
	if upstream == nil {
		upstream = ast.ObjectTerm(
			ast.Item(keyName, str(in.Upstream.Name)),
			ast.Item(keyRegion, str(in.Upstream.Region)),
			ast.Item(keyTransfer, str(in.Upstream.TransferMechanism)),
		)
		misses++
	}
	for i := range fs {
		if fs[i] == nil {
			fs[i] = findingTerm(&in.Findings[i])
			misses++
		}
	}
	if misses > 0 {
		pc.store(in, withID, routeKey, subjectKey, route, subject, request, upstream, fs)
	}

	return ast.NewObject(
		ast.Item(keyDirection, str(string(in.Direction))),
		ast.Item(keyRoute, route),
		ast.Item(keySubject, subject),
		ast.Item(keyFindings, ast.ArrayTerm(fs...)),
		ast.Item(keyRequest, request),
		ast.Item(keyUpstream, upstream),
	)
}

// store remembers the parts of in, clearing any map that is full.
func (pc *partCache) store(in *Input, withID bool, routeKey, subjectKey uint64, route, subject, request, upstream *ast.Term, fs []*ast.Term) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.routes == nil || len(pc.routes) >= maxParts {
		pc.routes = make(map[uint64]routePart)
	}
	if pc.subjects == nil || len(pc.subjects) >= maxParts {
		pc.subjects = make(map[uint64]subjectPart)
	}
	if pc.requests == nil || len(pc.requests) >= maxParts {
		pc.requests = make(map[Request]*ast.Term)
	}
	if pc.upstreams == nil || len(pc.upstreams) >= maxParts {
		pc.upstreams = make(map[Upstream]*ast.Term)
	}
	if pc.findings == nil || len(pc.findings)+len(fs) > maxParts {
		pc.findings = make(map[Finding]*ast.Term)
	}
	if _, ok := pc.routes[routeKey]; !ok {
		pc.routes[routeKey] = routePart{route: copyRoute(&in.Route), term: route}
	}
	if !withID {
		if _, ok := pc.subjects[subjectKey]; !ok {
			pc.subjects[subjectKey] = subjectPart{subject: copySubject(&in.Subject), term: subject}
		}
	}
	pc.requests[in.Request] = request
	pc.upstreams[in.Upstream] = upstream
	for i := range fs {
		if f := in.Findings[i]; f.Confidence == f.Confidence { // NaN never equals itself: never cached
			pc.findings[f] = fs[i]
		}
	}
}

func routeTerm(r *Route) *ast.Term {
	allowed := make([]*ast.Term, len(r.AllowedTypes))
	for i, t := range r.AllowedTypes {
		allowed[i] = str(t)
	}
	return ast.ObjectTerm(
		ast.Item(keyName, str(r.Name)),
		ast.Item(keyKind, str(r.Kind)),
		ast.Item(keyPurpose, str(r.Purpose)),
		ast.Item(keyAllowedTypes, ast.ArrayTerm(allowed...)),
	)
}

func subjectTerm(s *Subject, withID bool) *ast.Term {
	consent := ast.NewObjectWithCapacity(len(s.Consent))
	for k, v := range s.Consent {
		consent.Insert(str(k), ast.InternedTerm(v))
	}
	objections := make([]*ast.Term, len(s.Objections))
	for i, o := range s.Objections {
		objections[i] = str(o)
	}
	subject := ast.NewObjectWithCapacity(4)
	if withID {
		subject.Insert(keyID, str(s.ID))
	}
	subject.Insert(keyConsent, ast.NewTerm(consent))
	subject.Insert(keyObjections, ast.ArrayTerm(objections...))
	subject.Insert(keyNoticeShown, ast.InternedTerm(s.NoticeShown))
	return ast.NewTerm(subject)
}

func findingTerm(f *Finding) *ast.Term {
	return ast.ObjectTerm(
		ast.Item(keyType, str(f.Type)),
		ast.Item(keySubtype, str(f.Subtype)),
		ast.Item(keyConfidence, ast.FloatNumberTerm(f.Confidence)),
		ast.Item(keyField, str(f.Field)),
		ast.Item(keyCount, ast.InternedTerm(f.Count)),
	)
}

package policy

import (
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

// astValue builds the policy input directly as an ast.Object, without a JSON round trip.
// withID false leaves the subject id out (the loaded policy never reads it).
func (in *Input) astValue(withID bool) ast.Value {
	allowed := make([]*ast.Term, len(in.Route.AllowedTypes))
	for i, t := range in.Route.AllowedTypes {
		allowed[i] = str(t)
	}
	route := ast.NewObject(
		ast.Item(keyName, str(in.Route.Name)),
		ast.Item(keyKind, str(in.Route.Kind)),
		ast.Item(keyPurpose, str(in.Route.Purpose)),
		ast.Item(keyAllowedTypes, ast.ArrayTerm(allowed...)),
	)

	consent := ast.NewObjectWithCapacity(len(in.Subject.Consent))
	for k, v := range in.Subject.Consent {
		consent.Insert(str(k), ast.InternedTerm(v))
	}
	objections := make([]*ast.Term, len(in.Subject.Objections))
	for i, o := range in.Subject.Objections {
		objections[i] = str(o)
	}
	subject := ast.NewObjectWithCapacity(4)
	if withID {
		subject.Insert(keyID, str(in.Subject.ID))
	}
	subject.Insert(keyConsent, ast.NewTerm(consent))
	subject.Insert(keyObjections, ast.ArrayTerm(objections...))
	subject.Insert(keyNoticeShown, ast.InternedTerm(in.Subject.NoticeShown))

	findings := make([]*ast.Term, len(in.Findings))
	for i := range in.Findings {
		f := &in.Findings[i]
		findings[i] = ast.NewTerm(ast.NewObject(
			ast.Item(keyType, str(f.Type)),
			ast.Item(keySubtype, str(f.Subtype)),
			ast.Item(keyConfidence, ast.FloatNumberTerm(f.Confidence)),
			ast.Item(keyField, str(f.Field)),
			ast.Item(keyCount, ast.InternedTerm(f.Count)),
		))
	}

	return ast.NewObject(
		ast.Item(keyDirection, str(string(in.Direction))),
		ast.Item(keyRoute, ast.NewTerm(route)),
		ast.Item(keySubject, ast.NewTerm(subject)),
		ast.Item(keyFindings, ast.ArrayTerm(findings...)),
		ast.Item(keyRequest, ast.ObjectTerm(
			ast.Item(keyMethod, str(in.Request.Method)),
			ast.Item(keyPath, str(in.Request.Path)),
			ast.Item(keyContentType, str(in.Request.ContentType)),
		)),
		ast.Item(keyUpstream, ast.ObjectTerm(
			ast.Item(keyName, str(in.Upstream.Name)),
			ast.Item(keyRegion, str(in.Upstream.Region)),
			ast.Item(keyTransfer, str(in.Upstream.TransferMechanism)),
		)),
	)
}

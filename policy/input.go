package policy

// Direction says which way a message travels.
type Direction string

// The directions of a message.
const (
	// DirectionRequest is a message from the browser to the upstream bot.
	DirectionRequest Direction = "request"
	// DirectionResponse is a message from the bot back to the browser.
	DirectionResponse Direction = "response"
)

// Input is what a policy sees about one message: never a value, only types and counts of the
// personal data found in it, and the context the decision depends on.
type Input struct {
	Direction Direction `json:"direction"`
	Route     Route     `json:"route"`
	Subject   Subject   `json:"subject"`
	Findings  []Finding `json:"findings"`
	Request   Request   `json:"request"`
	Upstream  Upstream  `json:"upstream"`
}

// Route is the configured route the message came through.
type Route struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Purpose string `json:"purpose"`
	// AllowedTypes are personal-data types the route explicitly accepts, such as "IBAN".
	AllowedTypes []string `json:"allowed_types"`
}

// Subject is the data subject, known only by a pseudonymous id.
type Subject struct {
	ID string `json:"id"`
	// Consent maps a purpose ("support", "marketing", ...) to the subject's choice.
	Consent map[string]bool `json:"consent"`
	// Objections lists purposes the subject objected to (GDPR art. 21).
	Objections  []string `json:"objections"`
	NoticeShown bool     `json:"notice_shown"`
}

// Finding is one kind of personal data found in the message, aggregated by type, subtype and
// field. It never carries the value.
type Finding struct {
	Type       string  `json:"type"`
	Subtype    string  `json:"subtype"`
	Confidence float64 `json:"confidence"`
	Field      string  `json:"field"`
	Count      int     `json:"count"`
}

// Request is metadata of the HTTP request the message belongs to.
type Request struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	ContentType string `json:"content_type"`
}

// Upstream is the bot the message is forwarded to.
type Upstream struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// TransferMechanism names the legal basis for a transfer outside the EU/EEA, such as "scc".
	TransferMechanism string `json:"transfer_mechanism"`
}

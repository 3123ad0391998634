package proxy

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Kind says how Veil treats the traffic of a route.
type Kind string

// Route kinds.
const (
	// KindChat routes carry chat messages: request bodies are read, decoded and handed to the hooks.
	KindChat Kind = "chat"
	// KindPage routes serve the widget's HTML pages; responses may be rewritten (consent notice).
	KindPage Kind = "page"
	// KindWebSocket routes are WebSocket endpoints relayed message by message through the hooks.
	KindWebSocket Kind = "websocket"
	// KindPassthrough routes are forwarded without inspection (static assets, health checks).
	KindPassthrough Kind = "passthrough"
)

// Route maps a path prefix to a kind of treatment and a processing purpose.
type Route struct {
	// Name identifies the route in logs, metrics and audit events. Required, unique.
	Name string `yaml:"name"`
	// Path is the URL path prefix the route matches ("/v1/chat/completions"). The longest match wins.
	Path string `yaml:"path"`
	// Kind is chat, page, websocket or passthrough.
	Kind Kind `yaml:"kind"`
	// Purpose is the GDPR processing purpose of the route ("support", "marketing", ...).
	Purpose string `yaml:"purpose"`
	// Fields are JSON field paths (dot-separated, e.g. "messages.content") whose string values hold
	// chat text. Empty means every JSON string value.
	Fields []string `yaml:"fields"`
	// StreamFields are JSON field paths, in the events of a streamed (text/event-stream) reply,
	// whose string values are consecutive pieces of one text, for a bot with its own event format
	// (e.g. "token" for data: {"token":"Hel"}). Each such text is inspected across events, like
	// OpenAI's choices.delta.content and Anthropic's delta.text, which need no entry; every other
	// string value of an event is inspected on its own.
	StreamFields []string `yaml:"stream_fields"`
	// Shape is the wire format of a chat route (rasa, openai, anthropic, json, text), used to answer in it
	// when Veil itself replies (a refused message, a notice). Default: inferred from the path.
	Shape Shape `yaml:"shape"`
	// Headers are request headers of a chat route that carry user text (e.g. "X-User-Note"); their
	// values are inspected and rewritten like body fields.
	Headers []string `yaml:"headers"`
	// AllowedTypes are personal-data types this route needs and so may receive (tokenized), e.g.
	// IBAN on a payments route. The policy decides what that means.
	AllowedTypes []string `yaml:"allowed_types"`
	// Subject says where the data subject's identity comes from; Veil's own cookie by default.
	Subject SubjectSource `yaml:"subject"`
	// Origins are extra origin host patterns allowed to open WebSocket connections on a websocket
	// route (path.Match syntax). The request's own host is always allowed.
	Origins []string `yaml:"origins"`
}

// Upstream is the bot Veil protects.
type Upstream struct {
	// URL is the bot's base URL, http or https. Request paths are appended to its path.
	URL string `yaml:"url"`
	// DialTimeout bounds connecting to the upstream. Default 5s.
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// ResponseHeaderTimeout bounds the wait for the upstream's response headers. Default 60s.
	ResponseHeaderTimeout time.Duration `yaml:"response_header_timeout"`
	// ForwardClientIP sends the client's IP address in X-Forwarded-For. Off by default: an IP address
	// is personal data.
	ForwardClientIP bool `yaml:"forward_client_ip"`
	// Name identifies the upstream to the policy. Default "bot".
	Name string `yaml:"name"`
	// Region is where the upstream processes data (e.g. "eu-central-1"); the policy may refuse to
	// send personal data outside the EU/EEA.
	Region string `yaml:"region"`
	// TransferMechanism is the legal basis for a transfer outside the EU/EEA (e.g. "scc").
	TransferMechanism string `yaml:"transfer_mechanism"`
	// MaxIdleConns is the size of the idle connection pool to the upstream. Default 256.
	MaxIdleConns int `yaml:"max_idle_conns"`

	parsed *url.URL
}

// Limits bound what Veil buffers.
type Limits struct {
	// MaxBodyBytes caps a chat request body as received (413 beyond). Default 1 MiB.
	MaxBodyBytes ByteSize `yaml:"max_body_bytes"`
	// MaxDecodedBytes caps a chat request body after content decoding (413 beyond). Default 4 MiB.
	MaxDecodedBytes ByteSize `yaml:"max_decoded_bytes"`
	// MaxMessageBytes caps one WebSocket message (the connection is closed with 1009 beyond). Default 1 MiB.
	MaxMessageBytes ByteSize `yaml:"max_message_bytes"`
}

// Timeouts of the public listener.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers. Default 10s.
	ReadHeader time.Duration `yaml:"read_header"`
	// Idle closes keep-alive connections idle this long. Default 120s.
	Idle time.Duration `yaml:"idle"`
	// Shutdown bounds draining in-flight requests and streams on SIGTERM. Default 30s.
	Shutdown time.Duration `yaml:"shutdown"`
}

// Config is the proxy's part of Veil's configuration.
type Config struct {
	// SubjectKeyFile holds the secret that keys subject ids taken from headers or JSON fields and the
	// "hash" action. It must be the same on every replica and never change (subject ids would).
	// Default <data_dir>/keys/subject.key, generated on first start.
	SubjectKeyFile string `yaml:"subject_key_file"`
	// MinConfidence drops findings less certain than this before the policy sees them (0..1).
	MinConfidence float64  `yaml:"min_confidence"`
	Upstream      Upstream `yaml:"upstream"`
	Routes        []Route  `yaml:"routes"`
	Limits        Limits   `yaml:"limits"`
	Timeouts      Timeouts `yaml:"timeouts"`
}

// Validate fills defaults and returns every problem found, each prefixed with its YAML path.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	u := &c.Upstream
	if u.URL == "" {
		add("upstream.url", "required")
	} else if p, err := url.Parse(u.URL); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		add("upstream.url", "must be an absolute http or https URL")
	} else if p.RawQuery != "" || p.Fragment != "" || p.User != nil {
		add("upstream.url", "must not carry a query, fragment or credentials")
	} else {
		u.parsed = p
	}
	if u.Name == "" {
		u.Name = "bot"
	}
	defDur(&u.DialTimeout, 5*time.Second)
	defDur(&u.ResponseHeaderTimeout, 60*time.Second)
	if u.MaxIdleConns == 0 {
		u.MaxIdleConns = 256
	} else if u.MaxIdleConns < 0 {
		add("upstream.max_idle_conns", "must not be negative")
	}

	if len(c.Routes) == 0 {
		add("routes", "at least one route is required")
	}
	names := map[string]bool{}
	paths := map[string]bool{}
	for i := range c.Routes {
		r := &c.Routes[i]
		p := "routes[" + strconv.Itoa(i) + "]"
		switch {
		case r.Name == "":
			add(p+".name", "required")
		case names[r.Name]:
			add(p+".name", "duplicate route name %q", r.Name)
		}
		names[r.Name] = true
		switch {
		case !strings.HasPrefix(r.Path, "/"):
			add(p+".path", "must start with /")
		case paths[r.Path]:
			add(p+".path", "duplicate route path %q", r.Path)
		}
		paths[r.Path] = true
		switch r.Kind {
		case KindChat, KindPage, KindWebSocket, KindPassthrough:
		case "":
			add(p+".kind", "required (chat, page, websocket or passthrough)")
		default:
			add(p+".kind", "unknown kind %q (want chat, page, websocket or passthrough)", r.Kind)
		}
		if r.Purpose == "" {
			r.Purpose = "support"
		}
		switch r.Shape {
		case ShapeAuto, ShapeRasa, ShapeOpenAI, ShapeResponses, ShapeAnthropic, ShapeJSON, ShapeText:
		default:
			add(p+".shape", "unknown shape %q (want rasa, openai, responses, anthropic, json or text)", r.Shape)
		}
		if r.Subject.Header != "" && r.Subject.JSONField != "" {
			add(p+".subject", "set header or json_field, not both")
		}
		if r.Subject.JSONField != "" && r.Kind != KindChat {
			add(p+".subject.json_field", "only chat routes have JSON bodies to read it from")
		}
		for j, f := range r.Fields {
			if !validFieldPath(f) {
				add(fmt.Sprintf("%s.fields[%d]", p, j), "malformed field path %q", f)
			}
		}
		for j, f := range r.StreamFields {
			if !validFieldPath(f) {
				add(fmt.Sprintf("%s.stream_fields[%d]", p, j), "malformed field path %q", f)
			}
		}
		if len(r.StreamFields) > 0 && r.Kind != KindChat {
			add(p+".stream_fields", "only chat routes have streamed replies")
		}
	}

	if c.MinConfidence < 0 || c.MinConfidence > 1 {
		add("min_confidence", "must be between 0 and 1")
	}
	l := &c.Limits
	defSize(&l.MaxBodyBytes, 1<<20)
	defSize(&l.MaxDecodedBytes, 4<<20)
	defSize(&l.MaxMessageBytes, 1<<20)
	if l.MaxBodyBytes < 0 || l.MaxDecodedBytes < 0 || l.MaxMessageBytes < 0 {
		add("limits", "sizes must be positive")
	}
	if l.MaxDecodedBytes < l.MaxBodyBytes {
		add("limits.max_decoded_bytes", "must be at least max_body_bytes")
	}
	t := &c.Timeouts
	defDur(&t.ReadHeader, 10*time.Second)
	defDur(&t.Idle, 120*time.Second)
	defDur(&t.Shutdown, 30*time.Second)
	return errors.Join(errs...)
}

func defDur(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

func defSize(s *ByteSize, v ByteSize) {
	if *s == 0 {
		*s = v
	}
}

// ByteSize is a size in bytes that YAML may spell "1MiB", "512KB" or 1048576.
type ByteSize int64

// UnmarshalText parses a size with an optional unit: B, KB, KiB, MB, MiB, GB, GiB.
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') {
		i--
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s[:i]), 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("invalid size %q", s)
	}
	mult := map[string]int64{"": 1, "B": 1, "KB": 1000, "KIB": 1 << 10, "K": 1 << 10,
		"MB": 1000 * 1000, "MIB": 1 << 20, "M": 1 << 20, "GB": 1000 * 1000 * 1000, "GIB": 1 << 30, "G": 1 << 30}
	m, ok := mult[strings.ToUpper(strings.TrimSpace(s[i:]))]
	if !ok {
		return fmt.Errorf("invalid size unit in %q", s)
	}
	*b = ByteSize(n * m)
	return nil
}

// validFieldPath reports whether f is a dot-separated path of non-empty keys.
func validFieldPath(f string) bool {
	return f != "" && !strings.HasPrefix(f, ".") && !strings.HasSuffix(f, ".") && !strings.Contains(f, "..")
}

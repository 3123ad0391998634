package audit

// Log field names. No field ever holds an event's content: logs name counts and paths only.
const (
	fieldSpoolEvents = "spool_events"
	fieldLost        = "lost_events"
	fieldStream      = "stream"
	fieldSeq         = "seq"
	fieldEvents      = "events"
)

package rights

// Rate of rights requests per subject: an export decrypts every value the subject has, so a
// subject gets a handful in a burst and then one every two seconds.
const (
	limitRate  = 0.5
	limitBurst = 10
)

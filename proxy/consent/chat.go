package consent

import (
	"context"
	"fmt"
	"strings"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/store"
)

// ChatTurn applies the in-chat consent flow to a subject's chat message on a route with the given
// purpose, before the policy decides on it. It returns whether the reply must carry the notice:
//
//   - A subject who has made a choice about the purpose (given, withdrawn) is left alone.
//   - A subject who has not yet seen the notice is shown it with this reply (policy redacts this
//     first message: nothing reversible is stored before consent).
//   - A subject who was shown the notice and keeps chatting gives consent by that affirmative
//     action, for a required purpose only: recorded as consent.granted, channel in-chat. Optional
//     purposes need an explicit yes; silence never grants them.
//
// It also returns the subject's consent as the policy input needs it, so the message costs one
// read of the consent record.
func (m *Manager) ChatTurn(ctx context.Context, subject, purpose string) (showNotice bool, sub policy.Subject, err error) {
	if subject == "" {
		return false, policy.Subject{}, nil
	}
	s, err := m.State(ctx, subject)
	if err != nil {
		return false, policy.Subject{}, err
	}
	return m.turn(ctx, subject, purpose, s)
}

// PrepareTurn starts reading the subject's consent record now, for a chat turn the caller makes
// after something else it must do first (Veil checks the message for a data-subject request): the
// returned function waits for the read and then does what ChatTurn does. The message still costs
// one read of the record, but it overlaps the other work instead of following it. If the turn is
// never taken (Veil answered the message itself), nothing is written.
func (m *Manager) PrepareTurn(ctx context.Context, subject string) func(ctx context.Context, purpose string) (bool, policy.Subject, error) {
	type read struct {
		s   State
		err error
	}
	ch := make(chan read, 1)
	go func() {
		s, err := m.State(ctx, subject)
		ch <- read{s, err}
	}()
	return func(ctx context.Context, purpose string) (bool, policy.Subject, error) {
		var r read
		select {
		case r = <-ch:
		case <-ctx.Done():
			return false, policy.Subject{}, ctx.Err()
		}
		if r.err != nil {
			return false, policy.Subject{}, r.err
		}
		return m.turn(ctx, subject, purpose, r.s)
	}
}

// turn is the in-chat consent flow for a subject whose consent record reads s.
func (m *Manager) turn(ctx context.Context, subject, purpose string, s State) (bool, policy.Subject, error) {
	if _, decided := s.Purposes[purpose]; decided {
		return false, m.policySubject(subject, s), nil
	}
	if !s.NoticeShown {
		return true, m.policySubject(subject, s), nil
	}
	p, ok := m.cfg.purpose(purpose)
	if !ok || !p.Required {
		return false, m.policySubject(subject, s), nil
	}
	s, err := m.Set(ctx, subject, map[string]bool{purpose: true}, ChannelChat)
	if err != nil {
		return false, policy.Subject{}, err
	}
	return false, m.policySubject(subject, s), nil
}

// NoticeShown records that the in-chat notice went out to the subject.
func (m *Manager) NoticeShown(ctx context.Context, subject string) error {
	return m.MarkNoticeShown(ctx, subject, ChannelChat)
}

// ChatNotice is the notice as one chat message in the language of an Accept-Language header: the
// text, the controller, each purpose, and the privacy policy link.
func (m *Manager) ChatNotice(acceptLanguage string) string {
	lang, text := m.cfg.NoticeText(acceptLanguage)
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s.", text, m.cfg.Controller)
	for _, p := range m.cfg.Purposes {
		d := p.Description[lang]
		if d == "" {
			d = p.Description[m.cfg.DefaultLanguage]
		}
		kind := "optional"
		if p.Required {
			kind = "required"
		}
		fmt.Fprintf(&b, " [%s, %s: %s]", p.Name, kind, d)
	}
	if m.cfg.PrivacyPolicyURL != "" {
		fmt.Fprintf(&b, " %s", m.cfg.PrivacyPolicyURL)
	}
	return b.String()
}

// InProcess reports whether the manager's store serves reads in this process (the embedded
// store): then there is nothing to gain from PrepareTurn's overlap.
func (m *Manager) InProcess() bool { return store.InProcess(m.st) }

package auth

import (
	"context"
	"time"

	"gonghui/internal/errs"
)

// SMS costs money and reaches people's phones, so sending sign-in codes is
// limited three ways, in the database so that every server process shares
// the counts: per number (no one is flooded), per client address (no one
// address walks through many numbers) and overall (a ceiling on the bill).
const smsWindow = time.Hour

// SMSLimits are the sending limits per smsWindow.
type SMSLimits struct {
	PerNumber  int
	PerAddress int
	Global     int
}

// DefaultSMSLimits: a member who mistypes or whose message is late asks a
// few times; an address behind a factory's NAT may serve a few dozen people.
func DefaultSMSLimits() SMSLimits { return SMSLimits{PerNumber: 5, PerAddress: 20, Global: 2000} }

// SetSMSLimits changes the limits (the server's configuration); a zero
// field keeps its default.
func (s *Service) SetSMSLimits(l SMSLimits) {
	def := DefaultSMSLimits()
	if l.PerNumber <= 0 {
		l.PerNumber = def.PerNumber
	}
	if l.PerAddress <= 0 {
		l.PerAddress = def.PerAddress
	}
	if l.Global <= 0 {
		l.Global = def.Global
	}
	s.smsLimits = l
}

func (s *Service) limitsSMS() SMSLimits {
	if s.smsLimits == (SMSLimits{}) {
		return DefaultSMSLimits()
	}
	return s.smsLimits
}

func errSMSLimit(key string) *errs.Error {
	return &errs.Error{Kind: errs.KindTooMany, Code: "too_many_codes", Key: key}
}

// smsAllowed spends one send from each of the three budgets.
func (s *Service) smsAllowed(ctx context.Context, ip, mobileHash string) error {
	l := s.limitsSMS()
	if ip != "" {
		if over, err := s.spend(ctx, "sms-ip:"+ip, smsWindow, l.PerAddress); err != nil {
			return err
		} else if over {
			return errSMSLimit("auth.sms_limit_address")
		}
	}
	if over, err := s.spend(ctx, "sms-number:"+mobileHash, smsWindow, l.PerNumber); err != nil {
		return err
	} else if over {
		return errSMSLimit("auth.sms_limit_number")
	}
	if over, err := s.spend(ctx, "sms-all", smsWindow, l.Global); err != nil {
		return err
	} else if over {
		return errSMSLimit("auth.sms_limit_global")
	}
	return nil
}

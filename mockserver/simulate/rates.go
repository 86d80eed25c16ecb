package simulate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// Rates are the customers arriving per minute, per channel.
type Rates map[contactcenter.Channel]float64

// MaxRate is the highest rate a channel may have, per minute (100 a
// second): beyond it the simulation would do little but create.
const MaxRate = 6000

// channels are the channels customers arrive on, in the order arrivals are
// armed (a map's order would break determinism).
var channels = []contactcenter.Channel{contactcenter.Email, contactcenter.Chat, contactcenter.Workitem}

// DefaultRates returns the rates of a simulation that names none: two
// emails, one chat and half a workitem a minute.
func DefaultRates() Rates {
	return Rates{contactcenter.Email: 2, contactcenter.Chat: 1, contactcenter.Workitem: 0.5}
}

// String writes r as ParseRates reads it, per minute, in channel order.
func (r Rates) String() string {
	var parts []string
	for _, ch := range channels {
		if v, ok := r[ch]; ok {
			parts = append(parts, string(ch)+"="+strconv.FormatFloat(v, 'g', -1, 64)+"/m")
		}
	}
	return strings.Join(parts, ",")
}

// check refuses an unknown channel and a rate that is negative, not a
// number or over MaxRate.
func (r Rates) check() error {
	for ch, v := range r {
		if !slices.Contains(channels, ch) {
			return fmt.Errorf("rates: unknown channel %q: use email, chat or workitem", ch)
		}
		if math.IsNaN(v) || v < 0 || v > MaxRate {
			return fmt.Errorf("rates: %s=%v/m: want 0 to %d a minute", ch, v, MaxRate)
		}
	}
	return nil
}

// ParseRates reads comma-separated CHANNEL=N/UNIT items, such as
// "email=2/m,chat=1/m,workitem=0.5/m": N customers per second (/s), per
// minute (/m, or no unit) or per hour (/h). Channels it does not name keep
// their DefaultRates; 0 turns one off. "" is DefaultRates.
func ParseRates(s string) (Rates, error) {
	r := DefaultRates()
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	for item := range strings.SplitSeq(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return nil, fmt.Errorf("rates: %q: want CHANNEL=N/UNIT, such as chat=2/m", item)
		}
		ch := contactcenter.Channel(strings.TrimSpace(name))
		num, unit, _ := strings.Cut(strings.TrimSpace(val), "/")
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("rates: %q: %q is not a number", item, num)
		}
		switch unit {
		case "", "m", "min":
		case "s":
			f *= 60
		case "h":
			f /= 60
		default:
			return nil, fmt.Errorf("rates: %q: unit %q: use /s, /m or /h", item, unit)
		}
		r[ch] = f
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

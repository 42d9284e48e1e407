package parley

import (
	"fmt"
	"time"
)

// Date is a partial ISO 8601 date: "2025", "2025-12" or "2025-12-14".
// The empty Date means unknown, which is a value, not a gap to fill.
type Date string

// Check reports whether d is empty or a well-formed partial date.
func (d Date) Check() error {
	if d == "" {
		return nil
	}
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(d) == len(layout) {
			if _, err := time.Parse(layout, string(d)); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("%q is not a date: use YYYY, YYYY-MM or YYYY-MM-DD", string(d))
}

// Start is the first day d can mean ("2025-12" → "2025-12-01"); "" for
// an unknown date.
func (d Date) Start() string {
	switch len(d) {
	case 4:
		return string(d) + "-01-01"
	case 7:
		return string(d) + "-01"
	}
	return string(d)
}

// End is the last day d can mean ("2025-12" → "2025-12-31").
func (d Date) End() string {
	switch len(d) {
	case 4:
		return string(d) + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", string(d))
		if err != nil {
			return string(d)
		}
		return t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return string(d)
}

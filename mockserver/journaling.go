package mockserver

import (
	"bytes"
	"encoding/json"

	"github.com/gwsmock/gwsmock/internal/jsonvalid"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/httpapi"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/push"
)

// journalExchanges is the REST API's observer: it records each request
// (Status 0) and each answer in j.
func journalExchanges(j *journal.Journal) func(httpapi.Exchange) {
	return func(ex httpapi.Exchange) {
		kind := journal.Response
		if ex.Status == 0 {
			kind = journal.Request
		}
		e := journal.Entry{Kind: kind, User: ex.User, Method: ex.Method, Path: ex.Path, Status: ex.Status}
		if ex.Shared { // JSON the API encoded for this answer alone
			e.Data = ex.Body
			j.AddShared(e)
			return
		}
		e.Data = jsonOrNil(ex.Body)
		j.Add(e)
	}
}

// journalNotifications is the push bridge's observer: it records each
// notification in j under its recipient's userName, which the event
// carries (a Sink may not ask the Center).
func journalNotifications(j *journal.Journal) func(contactcenter.Event, push.Notification) {
	return func(e contactcenter.Event, n push.Notification) {
		user := e.UserName
		if user == "" {
			user = e.UserID
		}
		j.Add(journal.Entry{Kind: journal.Notification, User: user, Channel: n.Channel, Data: n.Data})
	}
}

// jsonOrNil is what the journal records of a body (control.yaml
// JournalEntry.data): the JSON itself, the text as a JSON string when it is
// not valid JSON, nothing when it is empty. Recording invalid JSON as it is
// would make GET /control/v1/journal fail to encode.
func jsonOrNil(b []byte) []byte {
	t := bytes.TrimSpace(b) // not a string: no copy of every body
	if len(t) == 0 {
		return nil
	}
	if (t[0] == '{' || t[0] == '[') && jsonvalid.Valid(t) { // json.Valid, 4x faster: every body passes here
		return b
	}
	s, err := json.Marshal(string(b))
	if err != nil {
		return nil
	}
	return s
}

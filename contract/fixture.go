package contract

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// Fixture is one recorded exchange in the format of testdata/conformant
// and testdata/drift: the request (request line, headers, blank line, and
// a body of Content-Length bytes if it has one) followed by the response
// (status line, headers, blank line, body to the end of the file); line
// breaks between a request body and the response are skipped. The
// contract's own tests and the proxy's recordings (letta-tokens proxy
// --record) are read by this one parser, so that a recording is valid
// exactly when the tests would accept it.
type Fixture struct {
	// Request has the fixture's Host as its URL's host, over https; its
	// Body replays RequestBody.
	Request     *http.Request
	RequestBody []byte
	Status      int
	Header      http.Header
	Body        []byte
}

// maxFixtureBytes bounds what ParseFixture accepts; a fixture is a page or
// two, far below it.
const maxFixtureBytes = 64 << 20

// ParseFixture reads a fixture from raw.
func ParseFixture(raw []byte) (*Fixture, error) {
	if len(raw) > maxFixtureBytes {
		return nil, fmt.Errorf("fixture is larger than %d bytes", maxFixtureBytes)
	}
	br := bufio.NewReader(bytes.NewReader(raw))
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, fmt.Errorf("request part: %w", err)
	}
	// The request's body comes before the response in the file: it is read
	// whole before the response is parsed.
	reqBody, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	// A body is followed by a line break, for the reader's sake.
	for {
		if b, err := br.Peek(1); err != nil || (b[0] != '\n' && b[0] != '\r') {
			break
		}
		br.ReadByte()
	}
	req.URL.Scheme, req.URL.Host = "https", req.Host
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, fmt.Errorf("response part: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("response body: %w", err)
	}
	return &Fixture{Request: req, RequestBody: reqBody, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// ValidateFixture validates a fixture's request and response, as the
// contract's fixture tests do.
func (v *Validator) ValidateFixture(f *Fixture) Findings {
	f.Request.Body = io.NopCloser(bytes.NewReader(f.RequestBody))
	return append(v.ValidateRequest(f.Request), v.ValidateResponse(f.Request, f.Status, f.Header, f.Body)...)
}

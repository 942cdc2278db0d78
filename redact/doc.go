// Package redact makes text that may hold a secret, or bytes a server
// chose, safe to print. Every other package of the module uses it, so it
// imports nothing of the module: it is the one leaf they all share.
//
//   - [Secrets] masks every Letta secret in a text: anything shaped like a
//     client-side access token (ck-let-…) or an API key (sk-let-…), and the
//     extra values given (the API key in use, whatever its shape), in their
//     plain, JSON-escaped and URL-escaped forms.
//   - [Token] is the display form of one token: a short prefix and, on a
//     long token, the last four characters ("ck-let-a…9f3c").
//   - [Line] escapes control characters and caps the length of a string, so
//     that a server cannot write escape sequences to a terminal or forge a
//     line of a report.
//   - [Safe] is both, in the order that leaves no secret half visible.
package redact

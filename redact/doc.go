// Package redact makes text that may hold a secret, or bytes a server
// chose, safe to print. Every other package of the module uses it, so it
// imports nothing of the module: it is the one leaf they all share, and
// the one owner of masking.
//
//   - [Masker] masks the secrets in play: the API key (and any run of
//     [MinWindow] characters of it), the token values a call or a row names,
//     and anything shaped like a Letta token (ck-let-…) or key (sk-let-…),
//     plain or escaped (%xx, \u00xx, \xXX, \", \/, ~0/~1, mixed); and the
//     key base64- or hex-encoded.
//   - [Token] is the display form of one token: a short prefix and, on a
//     long token, the last four characters ("ck-let-a…9f3c"); [Key] that
//     of a key, its prefix only.
//   - [Line] escapes control characters, defuses GitHub Actions workflow
//     commands and caps the length of a string, so that a server cannot
//     write escape sequences to a terminal or forge a line of a report.
//   - [Masker.Safe] is both, in the order that leaves no secret half
//     visible.
//   - [DefuseJSON] defuses workflow commands in encoded JSON, leaving the
//     values it decodes to unchanged.
//   - [Writer] masks a stream (a process's stdout or stderr) line by line.
package redact

package main

// The Go team's bundle of public roots, used only where the system has
// none: the release image holds this binary alone, with no CA
// certificates, and its proxy, check and list must still verify
// https://api.letta.com.
import _ "golang.org/x/crypto/x509roots/fallback"

// Package server is generated from openapi.yaml: the net/http server
// interface (ServerInterface, HandlerWithOptions) over the models of
// package gen, and the spec itself, embedded (GetSpec, GetSpecJSON). It is
// apart from gen because the embedded spec's loader links kin-openapi,
// which users of the client should not have to link.
package server

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../../openapi.yaml

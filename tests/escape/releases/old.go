//go:build !go1.26

package main

func newExpr() *Order { return nil }

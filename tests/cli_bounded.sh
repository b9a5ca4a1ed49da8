#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/cli_bounded.py"

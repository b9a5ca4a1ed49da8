#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/escape_unlinked.py"

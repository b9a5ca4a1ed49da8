#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/escape_dups.py"

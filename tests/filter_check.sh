#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/filter_check.py"

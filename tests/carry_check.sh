#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/carry_check.py"

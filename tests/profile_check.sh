#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/profile_check.py"

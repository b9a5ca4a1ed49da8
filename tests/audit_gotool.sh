#!/bin/sh
exec python3 "${top_srcdir:-.}/tests/audit_check.py" gotool

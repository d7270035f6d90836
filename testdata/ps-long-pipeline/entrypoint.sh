#!/bin/sh
set -e
ps | grep -v x | wc -l && exec "$@"

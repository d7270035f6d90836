#!/bin/sh
/usr/local/bin/sidecar &
"$@" &
wait

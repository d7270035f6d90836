#!/bin/sh
"$@" &
pid=$!
trap 'kill -TERM $pid' TERM INT
wait $pid

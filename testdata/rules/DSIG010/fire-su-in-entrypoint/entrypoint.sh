#!/bin/sh
chown -R app:app /data
exec su app -s /bin/sh -c "$*"

#!/bin/sh
set -e

# run migrations before the app
node migrate.js

exec "$@"

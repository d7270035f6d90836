#!/bin/sh
# run with bash by the CMD, whatever the shebang says
echo starting
node server.js

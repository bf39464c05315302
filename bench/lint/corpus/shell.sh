#!/bin/sh
# The shell facts.py gives make: a fetched Makefile's $(shell ...) runs only
# the platform probes (`uname`, `uname -s`, `pwd`); anything else prints nothing.
# make calls it as: shell.sh -c COMMAND
case "$2" in
  uname | "uname -s" | "uname -m" | "uname -o" | "uname -r" | "uname -p" | pwd) exec /bin/sh -c "$2" ;;
  *) exit 0 ;;
esac

#!/bin/sh
# Renders parvis.conf from the PARVIS_* environment variables, then runs nginx in the foreground.
set -e
vars=$(env | sed -n 's/^\(PARVIS_[A-Z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
envsubst "$vars" < /etc/nginx/templates/parvis.conf.template > /etc/nginx/conf.d/parvis.conf
exec nginx -g 'daemon off;'

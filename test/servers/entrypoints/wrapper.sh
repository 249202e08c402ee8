#!/bin/bash
# Stand-in for railwayapp-templates/postgres-ssl wrapper.sh (IMG-1), reduced to
# what decides whether the server starts: the volume and PGDATA checks, then
# `docker-entrypoint.sh "$@"`. (The TLS certificate and pgBackRest steps are left
# out; they need openssl/sudo and change no setting the tests read.) The
# expected mount path is this machine's temporary volume, passed as
# TRESTLE_EXPECTED_VOLUME instead of /var/lib/postgresql/data.
set -e
EXPECTED_VOLUME_MOUNT_PATH="$TRESTLE_EXPECTED_VOLUME"
if [ -n "$RAILWAY_ENVIRONMENT" ] && [ "$RAILWAY_VOLUME_MOUNT_PATH" != "$EXPECTED_VOLUME_MOUNT_PATH" ]; then
  echo "Railway volume not mounted to the correct path, expected $EXPECTED_VOLUME_MOUNT_PATH but got $RAILWAY_VOLUME_MOUNT_PATH"
  exit 1
fi
if [[ ! "$PGDATA" =~ ^"$EXPECTED_VOLUME_MOUNT_PATH" ]]; then
  echo "PGDATA variable does not start with the expected volume mount path, expected to start with $EXPECTED_VOLUME_MOUNT_PATH"
  exit 1
fi
exec docker-entrypoint.sh "$@"

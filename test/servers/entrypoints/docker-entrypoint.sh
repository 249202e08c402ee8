#!/bin/bash
# Stand-in for the official images' docker-entrypoint.sh (IMG-2 postgres,
# IMG-4 redis), doing what the cited scripts do: a first argument that is a flag
# means the server; as root, take ownership of the data and re-execute as the
# server's user (`gosu` there, `setpriv` here: both exec in place); PostgreSQL's first start runs
# initdb with POSTGRES_USER/POSTGRES_PASSWORD, creates POSTGRES_DB and requires
# password authentication over TCP; then `exec "$@"`.
set -e
case "$TRESTLE_IMAGE" in
redis)
  if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
  if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
    # The image's WORKDIR is its /data volume; here the test's temporary one.
    case "$PWD" in /tmp/*) ;; *) echo "stand-in: refusing to chown $PWD (run it in the temporary volume)" >&2; exit 1 ;; esac
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  exec "$@"
  ;;
postgres)
  if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
  if [ "$1" = 'postgres' ]; then
    if [ "$(id -u)" = '0' ]; then
      case "$PGDATA" in /tmp/*) ;; *) echo "stand-in: refusing to chown $PGDATA (use a temporary volume)" >&2; exit 1 ;; esac
      mkdir -p "$PGDATA"
      chown -R postgres "$PGDATA" "$(dirname "$PGDATA")"
      chmod 700 "$PGDATA"
      exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
    fi
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      if [ -z "$POSTGRES_PASSWORD" ]; then
        echo "Error: Database is uninitialized and superuser password is not specified." >&2
        exit 1
      fi
      # --auth-host: the tests' clients connect over loopback, which initdb
      # trusts by default; on Railway they come over the private network,
      # where the image's `host all all all scram-sha-256` line applies.
      initdb --username="${POSTGRES_USER:-postgres}" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") --auth-host=scram-sha-256 -D "$PGDATA" --no-sync >/dev/null
      echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
      if [ -n "$POSTGRES_DB" ] && [ "$POSTGRES_DB" != 'postgres' ]; then
        echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" -c unix_socket_directories="$PGDATA" postgres >/dev/null
      fi
      echo "PostgreSQL init process complete; ready for start up."
    fi
  fi
  exec "$@"
  ;;
*)
  echo "docker-entrypoint.sh stand-in: set TRESTLE_IMAGE" >&2
  exit 1
  ;;
esac

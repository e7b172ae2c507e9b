/**
 * The POSIX sh programs the backup, check and restore containers run.
 *
 * They are constants: nothing from the inventory is ever pasted into them.
 * Every fact (the app, its parts, the repository, the retention, the engine)
 * reaches them as an environment variable the manifest sets, and every secret
 * as a `secretKeyRef`, so hostile names cannot inject code and the same text
 * runs in the cluster and in the tests (which take it from the synthesized
 * manifest). The containers run them as `sh -c SCRIPT homelab-<what>`.
 *
 * Environment (all jobs):
 * - `HOMELAB_APP`: the app; snapshots carry `--host <app>` and the tags
 *   `homelab-app=<app>` and `homelab-part=<part>`.
 * - `HOMELAB_PARTS`: space-separated parts: `db`, `volume-<name>`.
 * - `HOMELAB_VOLUMES_DIR`: where the volumes are mounted (`<dir>/<name>`).
 * - `HOMELAB_TOOLS`: a folder put first on PATH (restic, kubectl copied by init containers).
 * - `HOMELAB_DB_ENGINE`: postgresql, mysql, mariadb or sqlite (with a `db` part); libpq's
 *   `PG*` variables, or `MYSQL_HOST`/`MYSQL_TCP_PORT`/`MYSQL_PWD` with `HOMELAB_DB_NAME` and
 *   `HOMELAB_DB_USER`, or `HOMELAB_SQLITE_VOLUME` and `HOMELAB_SQLITE_FILE`.
 * - restic's own: `RESTIC_REPOSITORY`, `RESTIC_PASSWORD`, `AWS_ACCESS_KEY_ID`,
 *   `AWS_SECRET_ACCESS_KEY`, `RESTIC_CACHE_DIR`.
 *
 * The guard: each part's data carries an origin marker (a file
 * `.homelab-backup-origin` in a volume, a table `homelab_backup.origin` in
 * PostgreSQL, `homelab_backup_origin` in MySQL and SQLite). The first backup of a part
 * into a repository without its snapshots sets it; a restore brings it back
 * (it is part of the data) or sets it. A backup of a part without the marker
 * while the repository holds that part's snapshots is a fresh, empty volume or
 * database that was never restored: it fails, loudly, and writes nothing.
 */

/**
 * A raw template for shell text: backslashes stay as written, and `\${` (needed to write a
 * shell `${...}` inside a template) becomes `${`. Only other constants are interpolated.
 */
function sh(strings: TemplateStringsArray, ...parts: string[]): string {
  return String.raw(strings, ...parts).replace(/\\\$\{/g, '${');
}

/** Shared functions, prepended to each program. */
const COMMON = sh`set -eu
PATH="\${HOMELAB_TOOLS:-/homelab/tools}:$PATH"
export PATH
: "\${HOMELAB_APP:?}" "\${RESTIC_REPOSITORY:?}"
HOMELAB_PARTS="\${HOMELAB_PARTS:-}"
VOLUMES="\${HOMELAB_VOLUMES_DIR:-/homelab/volumes}"
MARKER=.homelab-backup-origin
INCOMPLETE=.homelab-restore-incomplete
WORK=$(mktemp -d "\${TMPDIR:-/tmp}/homelab-backup.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say() { printf '%s %s[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PROG" "$HOMELAB_APP" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
tags() { printf 'homelab-app=%s,homelab-part=%s' "$HOMELAB_APP" "$1"; }

# repo_state: prints "ok", "missing" (no repository there yet) or fails (unreachable, wrong password).
repo_state() {
  rc=0
  restic cat config >/dev/null 2>"$WORK/repo.err" || rc=$?
  if [ "$rc" = 0 ]; then echo ok; return 0; fi
  # restic >= 0.17 exits 10 for "repository does not exist"; older ones say so on stderr
  # (a missing bucket is a misconfiguration, not a missing repository)
  if [ "$rc" = 10 ] || grep -qE 'no such file or directory|NoSuchKey|The specified key does not exist' "$WORK/repo.err"; then echo missing; return 0; fi
  cat "$WORK/repo.err" >&2
  die "repository $RESTIC_REPOSITORY is unreachable or the password is wrong (restic exit $rc)"
}

# snapshot_count PART: this app's complete snapshots of PART.
snapshot_count() {
  restic snapshots --json --host "$HOMELAB_APP" --tag "$(tags "$1")" >"$WORK/snaps.json" || die "cannot list the snapshots of $1"
  grep -o '"short_id"' "$WORK/snaps.json" | wc -l | tr -d ' '
}

volume_dir() { printf '%s/%s' "$VOLUMES" "\${1#volume-}"; }

db_engine() { printf '%s' "\${HOMELAB_DB_ENGINE:?HOMELAB_DB_ENGINE is required with a db part}"; }

# The origin marker of a part (see the module comment of lib/backup/scripts.ts).
sql_pg() { psql -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }
# MariaDB's images (11 and later) have only the mariadb-* names; MySQL's only the mysql* ones
# (only the mysql/mariadb client reads MYSQL_HOST; the dump and admin tools would use a local socket)
my_cli() { if command -v mariadb >/dev/null 2>&1; then mariadb -h "$MYSQL_HOST" "$@"; else mysql -h "$MYSQL_HOST" "$@"; fi; }
my_dump() { if command -v mariadb-dump >/dev/null 2>&1; then mariadb-dump -h "$MYSQL_HOST" "$@"; else mysqldump -h "$MYSQL_HOST" "$@"; fi; }
my_admin() { if command -v mariadb-admin >/dev/null 2>&1; then mariadb-admin -h "$MYSQL_HOST" "$@"; else mysqladmin -h "$MYSQL_HOST" "$@"; fi; }
sqlite_file() { printf '%s/%s/%s' "$VOLUMES" "\${HOMELAB_SQLITE_VOLUME:?}" "\${HOMELAB_SQLITE_FILE:?}"; }
# waits up to a minute for the app's write locks
sql_lite() { sqlite3 -batch -cmd '.timeout 60000' "$1" "$2"; }
sql_my() { my_cli --batch --skip-column-names -u "$HOMELAB_DB_USER" -e "$1" "$HOMELAB_DB_NAME"; }
part_marked() {
  case "$1" in
    db)
      case "$(db_engine)" in
        postgresql)
          v=$(sql_pg "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'homelab_backup' AND tablename = 'origin'") || die "cannot query the database"
          [ "$v" != 0 ] ;;
        mysql|mariadb)
          # a load cut short leaves homelab_restore_incomplete (the dump is loaded table by table)
          v=$(sql_my "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'homelab_backup_origin'") || die "cannot query the database"
          w=$(sql_my "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'homelab_restore_incomplete'") || die "cannot query the database"
          [ "$v" != 0 ] && [ "$w" = 0 ] ;;
        sqlite)
          f=$(sqlite_file)
          [ -s "$f" ] || return 1
          v=$(sql_lite "$f" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'homelab_backup_origin'") || die "cannot read the database $f"
          [ "$v" != 0 ] ;;
        *) die "unknown database engine $(db_engine)" ;;
      esac ;;
    # a restore cut short leaves $INCOMPLETE (restic writes files under their final names)
    *) [ -e "$(volume_dir "$1")/$MARKER" ] && [ ! -e "$(volume_dir "$1")/$INCOMPLETE" ] ;;
  esac
}
mark_part() {
  case "$1" in
    db)
      case "$(db_engine)" in
        postgresql) sql_pg "CREATE SCHEMA IF NOT EXISTS homelab_backup; CREATE TABLE IF NOT EXISTS homelab_backup.origin (app text NOT NULL, marked timestamptz NOT NULL DEFAULT now()); INSERT INTO homelab_backup.origin (app) SELECT current_setting('homelab.app') WHERE NOT EXISTS (SELECT 1 FROM homelab_backup.origin)" ;;
        mysql|mariadb)
          # the app name is a validated DNS label: safe in quotes
          sql_my "CREATE TABLE IF NOT EXISTS homelab_backup_origin (app varchar(64) NOT NULL, marked timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP); INSERT INTO homelab_backup_origin (app) SELECT '$HOMELAB_APP' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM homelab_backup_origin)" ;;
        sqlite)
          f=$(sqlite_file)
          [ -s "$f" ] || die "the database file $f does not exist yet (or is empty): nothing to back up"
          sql_lite "$f" "CREATE TABLE IF NOT EXISTS homelab_backup_origin (app text NOT NULL, marked text NOT NULL DEFAULT CURRENT_TIMESTAMP)" ;;
      esac ;;
    *) date -u +%Y-%m-%dT%H:%M:%SZ >"$(volume_dir "$1")/$MARKER" ;;
  esac
}
PGOPTIONS="\${PGOPTIONS:-} -c homelab.app=$HOMELAB_APP"
export PGOPTIONS

wait_for_db() {
  [ "$(db_engine)" = sqlite ] && return 0
  n=0
  until case "$(db_engine)" in postgresql) pg_isready -q ;; *) my_admin ping --silent -u "$HOMELAB_DB_USER" >/dev/null 2>&1 ;; esac; do
    n=$((n + 2))
    [ "$n" -lt "\${HOMELAB_DB_WAIT_SECONDS:-300}" ] || die "the database did not answer within \${HOMELAB_DB_WAIT_SECONDS:-300}s"
    sleep 2
  done
}
`;

/**
 * The backup CronJob's program: per part, the guard, then a consistent copy
 * into `restic backup`, tagged complete only once the copy succeeded; then
 * retention (`forget --prune`) and the dead-man ping.
 */
export const BACKUP_SCRIPT = sh`PROG=homelab-backup
${COMMON}
# stream PART FILENAME: restic backup --stdin of what the dump writes to fd 3's pipe; the
# snapshot is tagged pending and becomes the part's only once the dump exited 0.
store_stream() {
  part=$1; name=$2; shift 2
  { rc=0; "$@" || rc=$?; echo "$rc" >"$WORK/dump.rc"; } | restic backup --stdin --stdin-filename "$HOMELAB_APP/$name" \
    --host "$HOMELAB_APP" --tag "$(tags "$part-pending")" --json >"$WORK/backup.json" || die "restic backup of $part failed"
  finish "$part" "$(cat "$WORK/dump.rc")"
}
# store_files PART DIR [restic options]: the folder's contents, relative to it (restored into any mount point)
store_files() {
  part=$1; dir=$2; shift 2
  rc=0
  (cd "$dir" && restic backup --host "$HOMELAB_APP" --tag "$(tags "$part-pending")" --json --exclude "$dir/$INCOMPLETE" "$@" .) >"$WORK/backup.json" || rc=$?
  # 3: some files could not be read; the snapshot exists but is incomplete
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || die "restic backup of $part failed (exit $rc)"
  finish "$part" "$rc"
}
finish() {
  id=$(sed -n 's/.*"snapshot_id":"\([0-9a-f]*\)".*/\1/p' "$WORK/backup.json" | tail -n 1)
  [ -n "$id" ] || die "restic reported no snapshot for $1"
  if [ "$2" != 0 ]; then
    restic forget "$id" >/dev/null 2>&1 || say "could not forget the incomplete snapshot $id (tagged $1-pending, never restored)"
    die "the copy of $1 failed (exit $2); its incomplete snapshot $id was dropped"
  fi
  restic tag --set "$(tags "$1")" "$id" >/dev/null || die "could not tag snapshot $id of $1"
  say "$1: stored (snapshot $id, retagged as complete)"
}

backup_db() {
  case "$(db_engine)" in
    postgresql)
      # one snapshot of the whole database (pg_dump runs in one repeatable-read transaction;
      # --serializable-deferrable waits until no serializable transaction can disturb it)
      store_stream db postgresql.sql pg_dump --serializable-deferrable --clean --if-exists --no-owner --no-privileges ;;
    mysql|mariadb)
      store_stream db mysql.sql my_dump --single-transaction --no-tablespaces --routines --triggers --events --hex-blob -u "$HOMELAB_DB_USER" "$HOMELAB_DB_NAME" ;;
    sqlite)
      # VACUUM INTO writes a consistent copy from one read transaction. (.backup, SQLite's backup
      # API, starts over whenever another process writes: seconds instead of milliseconds under a
      # busy writer, and possibly never done.)
      f=$(sqlite_file)
      [ -s "$f" ] || die "the database file $f is missing or empty"
      sql_lite "$f" "VACUUM INTO '$WORK/db.sqlite3'" || die "sqlite3 VACUUM INTO failed"
      store_stream db sqlite3.db cat "$WORK/db.sqlite3" ;;
  esac
}

backup_volume() {
  dir=$(volume_dir "$1")
  [ -d "$dir" ] || die "volume $1 is not mounted at $dir"
  set -- "$1"
  if [ "\${HOMELAB_DB_ENGINE:-}" = sqlite ] && [ "$dir" = "$VOLUMES/\${HOMELAB_SQLITE_VOLUME:-}" ]; then
    # the live database file is copied consistently by the db part
    f="$dir/$HOMELAB_SQLITE_FILE"
    store_files "$1" "$dir" --exclude "$f" --exclude "$f-wal" --exclude "$f-shm" --exclude "$f-journal"
  else
    store_files "$1" "$dir"
  fi
}

quiesce_on() {
  case "\${HOMELAB_QUIESCE:-}" in
    scale-to-zero)
      kubectl -n "$HOMELAB_NAMESPACE" get deployment "$HOMELAB_APP" -o 'jsonpath={.spec.replicas}' >"$WORK/replicas" || die "cannot read the app's replicas"
      say "scaling $HOMELAB_APP from $(cat "$WORK/replicas") to 0 replicas for the backup"
      QUIESCED=scale
      kubectl -n "$HOMELAB_NAMESPACE" scale deployment "$HOMELAB_APP" --replicas=0 >/dev/null || die "cannot scale the app down"
      n=0
      while kubectl -n "$HOMELAB_NAMESPACE" get pods -l "app.kubernetes.io/name=$HOMELAB_APP" -o name | grep -q .; do
        n=$((n + 2)); [ "$n" -lt 300 ] || die "the app's pods did not stop within 300s"; sleep 2
      done ;;
    hook) QUIESCED=hook; sh -c "$HOMELAB_QUIESCE_PRE" || die "the quiesce pre hook failed" ;;
    '') ;;
    *) die "unknown HOMELAB_QUIESCE $HOMELAB_QUIESCE" ;;
  esac
}
quiesce_off() {
  case "\${QUIESCED:-}" in
    scale)
      n=0
      until kubectl -n "$HOMELAB_NAMESPACE" scale deployment "$HOMELAB_APP" --replicas="$(cat "$WORK/replicas")" >/dev/null; do
        n=$((n + 1))
        if [ "$n" -ge 5 ]; then QUIESCED=; die "could not scale $HOMELAB_APP back to $(cat "$WORK/replicas") replicas: the app is DOWN, run: kubectl -n $HOMELAB_NAMESPACE scale deployment $HOMELAB_APP --replicas=$(cat "$WORK/replicas")"; fi
        sleep 5
      done ;;
    hook) [ -z "\${HOMELAB_QUIESCE_POST:-}" ] || sh -c "$HOMELAB_QUIESCE_POST" || say "the quiesce post hook failed" ;;
  esac
  QUIESCED=
}
trap 'quiesce_off; rm -rf "$WORK"' EXIT
# sh is PID 1 in the pod: without a handler, the SIGTERM of a deadline or a drain is ignored and
# the EXIT trap (which scales the app back up) never runs before the SIGKILL
trap 'exit 143' TERM INT

state=$(repo_state)
if [ "$state" = missing ]; then
  say "initializing the repository $RESTIC_REPOSITORY"
  restic init >/dev/null || die "restic init failed"
fi
restic unlock >/dev/null 2>&1 || true

for part in $HOMELAB_PARTS; do
  [ "$part" = db ] && wait_for_db
  # the guard: never back up a fresh, never restored source over existing snapshots
  if part_marked "$part"; then :; else
    n=$(snapshot_count "$part")
    if [ "$n" != 0 ]; then
      die "$part has no origin marker but the repository holds $n of its snapshots: this is a fresh, empty $part that was never restored. Nothing was backed up. Restore it (npx homelab restore $HOMELAB_APP), or drop the snapshots if the new data is meant to replace them"
    fi
    say "$part: first backup into this repository; marking it as the origin"
    mark_part "$part"
  fi
done

for part in $HOMELAB_PARTS; do
  case "$part" in
    db) backup_db ;;
    volume-*)
      [ -n "\${QUIESCED:-}" ] || quiesce_on
      backup_volume "$part" ;;
  esac
done
quiesce_off

for part in $HOMELAB_PARTS; do
  set --
  [ -z "\${HOMELAB_KEEP_LAST:-}" ] || set -- "$@" --keep-last "$HOMELAB_KEEP_LAST"
  [ -z "\${HOMELAB_KEEP_DAILY:-}" ] || set -- "$@" --keep-daily "$HOMELAB_KEEP_DAILY"
  [ -z "\${HOMELAB_KEEP_WEEKLY:-}" ] || set -- "$@" --keep-weekly "$HOMELAB_KEEP_WEEKLY"
  [ -z "\${HOMELAB_KEEP_MONTHLY:-}" ] || set -- "$@" --keep-monthly "$HOMELAB_KEEP_MONTHLY"
  [ -z "\${HOMELAB_KEEP_YEARLY:-}" ] || set -- "$@" --keep-yearly "$HOMELAB_KEEP_YEARLY"
  [ $# -gt 0 ] || continue
  restic forget --prune --host "$HOMELAB_APP" --tag "$(tags "$part")" --group-by host,tags "$@" >/dev/null || die "restic forget --prune of $part failed"
done

say "backup complete: $HOMELAB_PARTS"
`;

/**
 * The dead-man ping, the backup pod's main container (restic's image, which has busybox wget;
 * the database images have neither wget nor curl). It runs only once the backup, an init
 * container, succeeded.
 */
export const PING_SCRIPT = sh`set -eu
if [ -z "\${HOMELAB_PING_URL:-}" ]; then echo "homelab-backup: done (no dead-man URL)" >&2; exit 0; fi
n=0
until wget -q -T 30 -O /dev/null "$HOMELAB_PING_URL"; do
  n=$((n + 1))
  if [ "$n" -ge 3 ]; then echo "homelab-backup: the dead-man ping failed; the monitor will report a missed backup" >&2; exit 1; fi
  sleep 10
done
echo "homelab-backup: done, dead-man pinged" >&2
`;

/**
 * The restore program, in two modes (`HOMELAB_RESTORE_MODE`):
 * - `init` (an init container of the app): a part without its origin marker
 *   gets the latest of its own snapshots, if there are any; an unreachable
 *   repository stops the pod instead of letting the app start empty.
 * - `job` (`homelab restore`): the latest snapshot of each part, or only
 *   `HOMELAB_RESTORE_SNAPSHOT`, which must be one of this app's own snapshots.
 *   Volumes are emptied first (stop the app before).
 */
export const RESTORE_SCRIPT = sh`PROG=homelab-restore
${COMMON}
MODE="\${HOMELAB_RESTORE_MODE:-job}"
SNAPSHOT="\${HOMELAB_RESTORE_SNAPSHOT:-}"
case "$SNAPSHOT" in
  '') ;;
  *[!0-9a-f]*|?|??|???|????|?????|??????|???????) die "snapshot id $SNAPSHOT is not a restic snapshot id (8 to 64 hex digits)" ;;
esac

# pick PART: prints the snapshot to restore of PART (empty: none), honouring HOMELAB_RESTORE_SNAPSHOT.
pick() {
  snapshot_count "$1" >/dev/null
  if [ -n "$SNAPSHOT" ]; then
    grep -o '"id":"[0-9a-f]*"' "$WORK/snaps.json" | sed 's/"id":"\(.*\)"/\1/' | grep "^$SNAPSHOT" | head -n 1
  elif grep -q '"short_id"' "$WORK/snaps.json"; then
    echo latest
  fi
}

restore_db() {
  snap=$1
  case "$(db_engine)" in
    postgresql)
      restic dump --host "$HOMELAB_APP" --tag "$(tags db)" "$snap" "/$HOMELAB_APP/postgresql.sql" >"$WORK/dump.sql" || die "restic dump of db failed"
      psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$WORK/dump.sql" >/dev/null || die "psql could not load the dump (nothing was changed)" ;;
    mysql|mariadb)
      restic dump --host "$HOMELAB_APP" --tag "$(tags db)" "$snap" "/$HOMELAB_APP/mysql.sql" >"$WORK/dump.sql" || die "restic dump of db failed"
      # loaded table by table, not in one transaction: the sentinel table marks a load cut short
      sql_my "CREATE TABLE IF NOT EXISTS homelab_restore_incomplete (since timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)"
      my_cli -u "$HOMELAB_DB_USER" "$HOMELAB_DB_NAME" <"$WORK/dump.sql" || die "mysql could not load the dump (the database is incomplete; run the restore again)"
      sql_my "DROP TABLE homelab_restore_incomplete" ;;
    sqlite)
      f=$(sqlite_file)
      mkdir -p "$(dirname "$f")"
      restic dump --host "$HOMELAB_APP" --tag "$(tags db)" "$snap" "/$HOMELAB_APP/sqlite3.db" >"$f.restore" || die "restic dump of db failed"
      rm -f "$f-wal" "$f-shm" "$f-journal"
      mv "$f.restore" "$f" ;;
  esac
}

restore_volume() {
  part=$1; snap=$2
  dir=$(volume_dir "$part")
  [ -d "$dir" ] || die "volume $part is not mounted at $dir"
  if [ "$MODE" = job ]; then
    if [ "\${HOMELAB_DB_ENGINE:-}" = sqlite ] && [ "$dir" = "$VOLUMES/\${HOMELAB_SQLITE_VOLUME:-}" ]; then
      # the database lives here but is restored by the db part: keep it (its folder too)
      keep=$(sqlite_file)
      find "$dir" -mindepth 1 ! -type d ! -path "$dir/lost+found/*" ! -path "$keep" ! -path "$keep-wal" ! -path "$keep-shm" ! -path "$keep-journal" -exec rm -f {} +
      find "$dir" -mindepth 1 -depth -type d ! -path "$dir/lost+found" ! -path "$dir/lost+found/*" -exec rmdir {} + 2>/dev/null || true
    else
      find "$dir" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
    fi
  fi
  # until the restore is complete, the part counts as without its data (the marker comes early)
  : >"$dir/$INCOMPLETE"
  restic restore --host "$HOMELAB_APP" --tag "$(tags "$part")" "$snap" --target "$dir" >/dev/null || die "restic restore of $part failed"
  rm -f "$dir/$INCOMPLETE"
}

if [ "$MODE" = init ]; then
  # parts that have their data need nothing, not even the repository: the app restarts during a B2 outage
  todo=''
  for part in $HOMELAB_PARTS; do
    [ "$part" = db ] && wait_for_db
    if part_marked "$part"; then say "$part: has its data, nothing to restore"; else todo="$todo $part"; fi
  done
  if [ -z "$todo" ]; then say "every part has its data"; exit 0; fi
  HOMELAB_PARTS=$todo
fi

state=$(repo_state)
if [ "$state" = missing ]; then
  [ "$MODE" = init ] || die "there is no repository at $RESTIC_REPOSITORY"
  say "no repository yet: nothing to restore, first start"
  exit 0
fi

restored=0
# volumes first: a sqlite database lives in one
for part in $HOMELAB_PARTS; do [ "$part" = db ] || echo "$part"; done >"$WORK/order"
for part in $HOMELAB_PARTS; do [ "$part" != db ] || echo "$part"; done >>"$WORK/order"
for part in $(cat "$WORK/order"); do
  [ "$part" = db ] && wait_for_db
  snap=$(pick "$part")
  if [ -z "$snap" ]; then
    [ -z "$SNAPSHOT" ] || continue
    if [ "$MODE" = init ]; then say "$part: no snapshots yet, first start"; continue; fi
    die "$part has no snapshots in $RESTIC_REPOSITORY"
  fi
  say "$part: restoring snapshot $snap"
  case "$part" in db) restore_db "$snap" ;; *) restore_volume "$part" "$snap" ;; esac
  part_marked "$part" || mark_part "$part"
  restored=$((restored + 1))
done
if [ -n "$SNAPSHOT" ] && [ "$restored" = 0 ]; then
  die "snapshot $SNAPSHOT is not a snapshot of $HOMELAB_APP (parts: $HOMELAB_PARTS) in $RESTIC_REPOSITORY"
fi
say "restore complete: $restored part(s)"
`;

/** The periodic check: `restic check --read-data-subset`, and stale pending snapshots dropped. */
export const CHECK_SCRIPT = sh`PROG=homelab-check
${COMMON}
state=$(repo_state)
[ "$state" = ok ] || die "there is no repository at $RESTIC_REPOSITORY yet (no backup has run)"
restic unlock >/dev/null 2>&1 || true
restic check --read-data-subset "\${HOMELAB_READ_DATA_SUBSET:-5%}" || die "restic check found problems in $RESTIC_REPOSITORY"
say "check passed (read \${HOMELAB_READ_DATA_SUBSET:-5%} of the data)"
`;

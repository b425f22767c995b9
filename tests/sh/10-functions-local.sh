# functions: typeset locals, dynamic scoping, positional parameters, integer/uppercase attributes
x=global; y=global
outer() {
	typeset x=outer-local
	y=changed-by-outer
	inner
	echo "outer after inner: x=$x"
}
inner() {
	echo "inner sees x=$x"
	x=modified-by-inner
}
outer
echo "global: x=$x y=$y"
function kshstyle {
	typeset v=ksh-local
	echo "kshstyle: v=$v args=$# first=$1"
}
v=global-v
kshstyle a b c
echo "after kshstyle: v=$v"
args() { echo "nargs=$#"; for a; do echo " <$a>"; done; shift; echo "after shift: $*"; }
set -- p1 p2
args "a b" c "" d
echo "caller positionals: $*"
counter() { typeset -i n=0; n=n+5; echo "typeset -i n=$n"; }
counter; counter
echo "n outside: ${n-unset}"
up() { typeset -u s=$1; typeset -l t=$1; echo "$s $t"; }
up MiXeD
shadow() { typeset x; echo "shadowed unset local: [${x-unset}] [$x]"; }
shadow
echo "x after shadow: $x"
nested() { typeset d=1; inner2() { echo "inner2 defined inside, d=$d"; }; inner2; }
nested; inner2
unset -f inner2
inner2 2>/dev/null || echo "inner2 removed, status $?"

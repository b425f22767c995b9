# subshells: variables, arrays, functions, exports and options set inside ( ) do not leak out
x=outer; y=keep
set -A arr a b c
f() { echo "f: outer definition"; }
(
	x=inner; unset y; arr[1]=B; z=new
	f() { echo "f: inner definition"; }
	export NEWV=exported
	set -u
	echo "in: x=$x y=${y-unset} arr=${arr[*]} z=$z NEWV=$NEWV"
	f
	case $- in *u*) echo "in: set -u on";; *) echo "in: set -u off";; esac
)
echo "out: x=$x y=${y-unset} arr=${arr[*]} z=${z-unset} NEWV=${NEWV-unset}"
f
case $- in *u*) echo "out: set -u on";; *) echo "out: set -u off";; esac
( ( x=deeper; echo "deep: $x" ); echo "mid: $x"; x=mid2 )
echo "after nested: $x"
# brace group is NOT a subshell: changes are visible
{ x=brace; }
echo "after brace: $x"
# last element of a pipeline runs in a subshell in mksh
v=before
echo hi | read v
echo "after pipeline read: v=$v"
# subshell sees a copy of the current values
counter=5
( counter=$((counter + 1)); echo "inside counter=$counter" )
echo "outside counter=$counter"

# set -u: unset variables are errors, defaults and ${#} forms are fine, error inside subshell
set -u
a=set
echo "a=$a"
echo "default: ${undefined_var-dflt} ${undefined_var:-dflt2}"
echo "alt: [${undefined_var+alt}] [${a+alt}]"
echo "positionals: $# $*"
set -- one
echo "\$1=$1"
( echo "sub: $never_set_var"; echo "not reached" )
echo "subshell status: $?"
r=$( echo "subst: ${also_unset}" ) 2>/dev/null
echo "subst status: $? value: [$r]"
f() { typeset l; l=x; echo "local l=$l"; }
f
set -A arr x y
echo "array element 1: ${arr[1]}"
echo "count: ${#arr[*]}"
set +u
echo "set +u: [$undefined_var]"
set -u
unset a
echo "unset a, now: $a"
echo "not reached"

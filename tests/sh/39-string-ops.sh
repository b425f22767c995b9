# parameter expansion: ${var#pat} ${var##pat} ${var%pat} ${var%%pat} ${#var} ${var:-x} and friends
path=/usr/local/lib/libfoo.so.1.2
echo "#   : ${path#*/}"
echo "##  : ${path##*/}"
echo "%   : ${path%.*}"
echo "%%  : ${path%%.*}"
echo "len : ${#path}"
echo "dir : ${path%/*}"
file=archive.tar.gz
echo "ext : ${file#*.} / ${file##*.} / base ${file%%.*}"
unset u; e=
echo ":-  [${u:-default}] [${e:-default}] [${path:-default}]"
echo "-   [${u-default}] [${e-default}]"
echo ":+  [${u:+alt}] [${e:+alt}] [${path:+alt}]"
echo "+   [${u+alt}] [${e+alt}]"
echo ":=  [${u:=assigned}] now u=$u"
echo "=   [${e=notassigned}] e stays [$e]"
( : ${missing:?custom error message} ) 2>&1 | { read -r l; case $l in *"missing: custom error message"*) echo "?: error message ok";; *) echo "?: unexpected [$l]";; esac; }
s="Hello, World"
echo "substr: ${s:0:5} ${s:7} ${s: -5:3}"
echo "replace: ${s/o/0} ${s//o/0} ${s/#Hello/Bye} ${s/%World/There}"
typeset -u up=$s; typeset -l lo=$s
echo "case: $up $lo"
echo "length of empty: ${#e} unset: ${#u2}"
set -- a bb ccc
echo "positional lengths: ${#1} ${#2} ${#3} count ${#}"
echo "pattern with class: ${path##*[0-9].}"
star='*.c'
echo "quoted pattern var: ${file#"$star"} unquoted: ${file#*.}"
x=aaa-bbb-ccc
echo "greedy vs lazy: ${x#*-} | ${x##*-} | ${x%-*} | ${x%%-*}"
n=007
echo "strip zeros: ${n##+(0)}"
multi="line1
line2"
echo "newline in value, length ${#multi}, first ${multi%%
*}"

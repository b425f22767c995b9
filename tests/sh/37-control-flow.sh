# control flow: case patterns, for, while, until, break/continue with levels
for w in apple Banana cherry 42 x.txt ''; do
	case $w in
	[aA]*) echo "$w: starts with a";;
	[[:upper:]]*) echo "$w: uppercase";;
	*[0-9]) echo "$w: ends with digit";;
	*.txt|*.sh) echo "$w: file";;
	'') echo "empty word";;
	*) echo "$w: other";;
	esac
done
case abc in a*) echo "fallthrough start" ;& b*) echo "fell into b*" ;; c*) echo no;; esac
case xyz in x*) echo "first x" ;| *z) echo "also *z via ;|" ;; esac
for i in 1 2 3; do for j in a b c; do
	[ $j = b ] && continue
	[ $i = 3 ] && break 2
	echo "$i$j"
done; done
n=0; while [ $n -lt 10 ]; do n=$((n + 1)); [ $((n % 3)) = 0 ] || continue; echo "multiple of 3: $n"; done
k=5; until [ $k -eq 0 ]; do echo -n "$k "; k=$((k - 1)); done; echo
set -- x y z
for arg; do echo "implicit for: $arg"; done
i=0; while :; do i=$((i + 1)); if [ $i -gt 4 ]; then break; fi; done; echo "broke at $i"
outer=0
while [ $outer -lt 3 ]; do
	outer=$((outer + 1)); inner=0
	until [ $inner -ge 3 ]; do inner=$((inner + 1)); [ $inner = 2 ] && continue 2; echo "o$outer i$inner"; done
done
for f in; do echo never; done; echo "empty for list ok"
if false; then echo no; elif [ 1 = 1 ]; then echo "elif taken"; else echo no; fi
[[ abc == a* && -n x ]] && echo "[[ ]] pattern match"
[[ "a b" = "a b" ]] || echo no
x=$(for i in 1 2 3; do echo $i; done | while read n; do echo -n "$n"; done); echo "loop pipeline: $x"
while false; do :; done; echo "while false status: $?"

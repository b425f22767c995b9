# functions: recursion, return status, return without value, return in loops
fact() {
	typeset n=$1
	if [ $n -le 1 ]; then echo 1; return; fi
	typeset sub=$(fact $((n - 1)))
	echo $((n * sub))
}
echo "fact 10 = $(fact 10)"
fib() {
	typeset n=$1
	if [ $n -lt 2 ]; then r=$n; return; fi
	typeset a b
	fib $((n - 1)); a=$r
	fib $((n - 2)); b=$r
	r=$((a + b))
}
fib 15; echo "fib 15 = $r"
depth() { [ $1 -ge 200 ] && { echo "reached depth $1"; return 7; }; depth $(($1 + 1)); }
depth 0; echo "depth status: $?"
st() { return $1; }
for c in 0 1 2 127 255; do st $c; echo "return $c -> $?"; done
noval() { false; return; }
noval; echo "return without value after false -> $?"
lastcmd() { ( exit 12 ); }
lastcmd; echo "implicit status -> $?"
loopret() { for i in 1 2 3 4 5; do [ $i = 3 ] && return $i; echo "loop $i"; done; echo never; }
loopret; echo "loopret -> $?"
hanoi() {
	[ $1 -eq 0 ] && return
	hanoi $(($1 - 1)) $2 $4 $3
	moves=$((moves + 1))
	hanoi $(($1 - 1)) $4 $3 $2
}
moves=0; hanoi 8 A B C; echo "hanoi 8 moves: $moves"
even() { [ $1 -eq 0 ] && return 0; odd $(($1 - 1)); }
odd() { [ $1 -eq 0 ] && return 1; even $(($1 - 1)); }
even 40 && echo "40 is even"; odd 17 && echo "17 is odd"; even 9 || echo "9 is not even"

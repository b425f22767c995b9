# pipelines: multi-stage pipelines of builtins, functions, subshells and while-read loops
upper() { while read -r l; do typeset -u u=$l; print -r -- "$u"; done; }
number() { n=0; while read -r l; do n=$((n+1)); print -r -- "$n: $l"; done; }
print "alpha\nbeta\ngamma" | upper | number
echo one two three | { read a b c; echo "$c $b $a"; }
# five stage pipeline
print "3\n1\n2" | while read n; do echo $((n*10)); done | while read n; do echo $((n+1)); done | number | { while read -r x; do echo "[$x]"; done; }
# subshells in a pipeline
( echo first; echo second ) | ( read a; read b; echo "got $b then $a" )
# sum through a pipeline
i=0; while [ $i -lt 50 ]; do echo $i; i=$((i+1)); done | {
	s=0; while read v; do s=$((s+v)); done; echo "sum=$s"
}
# large data through a pipe (more than a pipe buffer)
gen() { i=0; while [ $i -lt 3000 ]; do echo "line number $i with some padding text"; i=$((i+1)); done; }
gen | { c=0; last=; while read -r l; do c=$((c+1)); last=$l; done; echo "lines=$c last=$last"; }
# stderr is not piped
{ echo to-stdout; echo to-stderr >&2; } 2>/dev/null | number
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | number
# reader exits early; writer must not hang
gen | { read -r l; echo "first: $l"; }
echo "status after early-exit reader: $?"
